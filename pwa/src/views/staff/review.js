/**
 * Review: a filtered, paged list of assists (KK masked) and one record with approve / flag / reject.
 * Decisions carry the record's ETag (If-Match), so two reviewers never overwrite each other silently.
 */
import { request } from "../../api.js";
import { can } from "../../capabilities.js";
import { day, label, num, t, when } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { apiPath, figures } from "./data.js";
import { areaLine, workArea } from "./area-picker.js";
import { downloads, errorText } from "./ui.js";
import { api } from "../../endpoints.js";

const DEFAULT_FILTERS = { state: "received" };

function options(items, selected, blank) {
  return [
    h("option", { value: "", selected: !selected }, blank),
    ...items.map(([value, text]) => h("option", { value, selected: String(selected) === String(value) }, text)),
  ];
}

function refLabel(app, list, code) {
  return label((app.reference?.[list] || []).find((x) => x.code === code)) || code;
}

function filterForm(app, filters, childRows, people, onApply) {
  const ref = (list) => (app.reference?.[list] || []).map((x) => [x.code, label(x)]);
  const states = [...ref("review_state"), ["voided", t("review.voided")]];
  const control = {
    area: h(
      "select",
      null,
      options(
        childRows.map((r) => [r.key, r.label]),
        filters.area,
        t("review.all"),
      ),
    ),
    enumerator: h(
      "select",
      null,
      options(
        people.map((r) => [r.key, r.label]),
        filters.enumerator,
        t("review.all"),
      ),
    ),
    from: h("input", { type: "date", value: filters.from || "" }),
    to: h("input", { type: "date", value: filters.to || "" }),
    outcome: h("select", null, options(ref("outcome"), filters.outcome, t("review.all"))),
    state: h("select", null, options(states, filters.state, t("review.all"))),
    duplicate: h("input", { type: "checkbox", checked: filters.duplicate === "true" }),
    corrected: h("input", { type: "checkbox", checked: filters.corrected === "true" }),
    q: h("input", { type: "search", value: filters.q || "", maxlength: 100, autocomplete: "off" }),
  };
  const form = h(
    "form",
    { class: "card filters" },
    h(
      "details",
      { open: !app.staffState.filtersClosed },
      h("summary", null, t("review.filters")),
      field("f-q", t("review.search"), control.q, t("review.searchHint")),
      h(
        "div",
        { class: "grid" },
        field("f-area", t("review.desa"), control.area),
        field("f-enum", t("review.enumerator"), control.enumerator),
        field("f-from", t("review.from"), control.from),
        field("f-to", t("review.to"), control.to),
        field("f-outcome", t("review.outcome"), control.outcome),
        field("f-state", t("review.state"), control.state),
      ),
      h("label", { class: "check" }, control.duplicate, h("span", null, t("review.duplicateOnly"))),
      h("label", { class: "check" }, control.corrected, h("span", null, t("review.correctedOnly"))),
      h("button", { type: "submit" }, t("review.apply")),
    ),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const next = {};
    for (const [key, el] of Object.entries(control)) {
      const value = el.type === "checkbox" ? (el.checked ? "true" : "") : el.value.trim();
      if (value) next[key] = value;
    }
    onApply(next);
  });
  return form;
}

/** The outreach the list is limited to (opened from the map), with a way back to every record. */
function outreachLine(app) {
  const all = h("button", { type: "button", class: "secondary" }, t("review.allOutreaches"));
  all.addEventListener("click", () => {
    app.staffState.reviewFilters = DEFAULT_FILTERS;
    app.rerender();
  });
  return h(
    "p",
    { class: "notice", "data-testid": "outreach-filter" },
    `${t("review.oneOutreach")}: ${app.staffState.outreachName || ""} `,
    all,
  );
}

/** The list's filters in words ("Status pemeriksaan: Diterima"), as an export states them before it starts. */
function describeFilters(app, filters, childRows, people) {
  const named = (rows, key) => rows.find((r) => String(r.key) === String(key))?.label || key;
  const words = {
    area: (v) => named(childRows, v),
    enumerator: (v) => named(people, v),
    from: day,
    to: day,
    outcome: (v) => refLabel(app, "outcome", v),
    state: (v) => (v === "voided" ? t("review.voided") : refLabel(app, "review_state", v)),
    q: (v) => `“${v}”`,
    outreach: () => app.staffState.outreachName || t("review.oneOutreach"),
    corrected: () => t("review.correctedOnly"),
    duplicate: () => t("review.duplicateOnly"),
  };
  const titles = {
    area: "review.desa",
    enumerator: "review.enumerator",
    from: "review.from",
    to: "review.to",
    outreach: "review.oneOutreach",
  };
  const flags = ["corrected", "duplicate"];
  return Object.entries(filters)
    .filter(([key, value]) => value && words[key] && !(key === "area" && value === workArea(app)))
    .map(([key, value]) =>
      flags.includes(key) ? words[key](value) : `${t(titles[key] || `review.${key}`)}: ${words[key](value)}`,
    );
}

function item(app, a) {
  return h(
    "li",
    { "data-id": a.id, "data-state": a.review_state },
    h(
      "a",
      { class: "row", href: `#/review/${a.id}` },
      h("strong", null, a.head_name),
      h("span", { class: "mono" }, a.kk_number),
      h("span", null, `${a.place_name} · ${day(a.date)} · ${a.enumerator.name}`),
      h("span", null, `${refLabel(app, "outcome", a.outcome)} · ${num(a.members)} ${t("col.persons")}`),
      h(
        "span",
        { class: `badge review ${a.review_state}` },
        a.voided ? t("review.voided") : refLabel(app, "review_state", a.review_state),
      ),
      a.duplicate ? h("span", { class: "badge dup" }, t("review.duplicate")) : null,
      a.corrected ? h("span", { class: "badge corrected" }, t("review.corrected")) : null,
    ),
  );
}

/** Render the review list with its filters. */
export async function renderReviewList(el, app) {
  const filters = app.staffState.reviewFilters || DEFAULT_FILTERS;
  const [children, people] = await Promise.all([
    figures(app, { area: workArea(app), by: "child" }).catch(() => null),
    figures(app, { area: workArea(app), by: "enumerator" }).catch(() => null),
  ]);
  const list = h("ul", { class: "list", "data-testid": "review-list" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("review.more"));
  const bulk = h("button", { type: "button", class: "secondary", hidden: true });
  const note = h("p", { class: "msg", role: "status", "aria-live": "polite" });
  let cursor = null;
  let asOf = null;
  let armed = false;
  async function load() {
    const page = await request(apiPath(api.reviewList, { area: workArea(app), ...filters, cursor, as_of: asOf }));
    asOf = page.as_of;
    cursor = page.next;
    list.append(...page.items.map((a) => item(app, a)));
    more.hidden = !cursor;
    const shown = list.children.length;
    if (!shown) list.replaceChildren(h("li", { class: "notice" }, t("review.empty")));
    bulk.hidden = !(can(app.session, "review.decide") && filters.state === "received" && shown && page.items.length);
    bulk.textContent = t("review.bulk");
  }
  more.addEventListener("click", () => load().catch((e) => (note.textContent = errorText(e))));
  bulk.addEventListener("click", async () => {
    const body = { area: workArea(app), ...filters, as_of: asOf };
    if (!armed) {
      // First the exact number (every page of the list, as loaded), then a second press approves those.
      bulk.disabled = true;
      try {
        const { approvable } = await request(api.bulkApprove, { method: "POST", body: { ...body, dry_run: true } });
        const shown = list.querySelectorAll("li[data-state='received']").length;
        note.textContent = t("review.bulkConfirm", {
          n: num(approvable),
          hidden: num(Math.max(0, approvable - shown)),
        });
        bulk.textContent = t("review.bulkGo", { n: num(approvable) });
        bulk.classList.add("danger");
        armed = approvable > 0;
      } catch (e) {
        note.textContent = errorText(e);
      }
      bulk.disabled = false;
      return;
    }
    bulk.disabled = true;
    try {
      let result;
      let approved = 0;
      do {
        result = await request(api.bulkApprove, {
          method: "POST",
          body: { area: workArea(app), ...filters, as_of: asOf },
        });
        approved += result.approved;
      } while (result.more);
      app.toast(t("review.bulkDone", { n: num(approved) }));
      if (result.changed_since) app.staffState.bulkNote = t("review.bulkChanged", { n: num(result.changed_since) });
      app.rerender();
    } catch (e) {
      note.textContent = errorText(e);
      bulk.disabled = false;
    }
  });
  const form = filterForm(app, filters, children?.data.rows || [], people?.data.rows || [], (next) => {
    app.staffState.reviewFilters = next;
    app.rerender();
  });
  const { duplicate, ...chosenFilters } = filters;
  const exportFilters = { area: workArea(app), ...chosenFilters };
  const exported = downloads(
    [
      ["export.assists", "assists", exportFilters],
      ["export.followUp", "follow-up", { ...exportFilters, state: null }],
    ],
    (params) => describeFilters(app, params, children?.data.rows || [], people?.data.rows || []),
  );
  mount(
    el,
    h("h1", null, t("review.title")),
    h("p", { class: "links" }, h("a", { class: "button secondary", href: "#/follow-up" }, t("follow.title"))),
    areaLine(app, children?.data.area),
    filters.outreach ? outreachLine(app) : null,
    form,
    app.staffState.bulkNote ? h("p", { class: "alert" }, app.staffState.bulkNote) : null,
    note,
    bulk,
    list,
    more,
    exported,
  );
  app.staffState.bulkNote = null;
  await load();
}

function row(key, value) {
  return value === null || value === undefined || value === ""
    ? null
    : h("div", null, h("dt", null, t(key)), h("dd", null, value));
}

/** The fields the petugas changed since the flag, before and after (identity numbers masked by the server). */
function changesTable(app, changes) {
  const titles = {
    kk_number: "review.kk",
    head_name: "review.head",
    members: "review.members",
    outcome: "review.outcome",
    reasons: "review.reasons",
    device_used: "review.device",
    phone: "review.phone",
    notes: "review.notes",
  };
  const shown = (field, value) => {
    if (value === null || value === undefined || value === "") return "–";
    if (field === "outcome" || field === "device_used") return refLabel(app, field, value);
    if (field === "reasons") return value.map((r) => refLabel(app, "reason", r)).join(", ");
    return String(value);
  };
  return h(
    "section",
    { class: "card", "data-testid": "changes" },
    h("h2", null, t("review.changes")),
    h(
      "table",
      { class: "figures" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["review.field", "review.before", "review.after"].map((k) => h("th", { scope: "col" }, t(k))),
        ),
      ),
      h(
        "tbody",
        null,
        changes.map((c) =>
          h(
            "tr",
            null,
            h("th", { scope: "row" }, t(titles[c.field])),
            h("td", null, h("del", null, shown(c.field, c.before))),
            h("td", null, h("ins", null, shown(c.field, c.after))),
          ),
        ),
      ),
    ),
  );
}

/** Render one record for a decision. */
export async function renderReviewRecord(el, app, id, message) {
  let a;
  try {
    a = await request(api.assist(id));
  } catch (e) {
    return mount(
      el,
      h("p", { class: "alert", role: "alert" }, errorText(e)),
      h("a", { href: "#/review" }, t("review.back")),
    );
  }
  const comment = h("textarea", { rows: 3, maxlength: 500 });
  const note = h("p", { class: "msg", role: "status", "aria-live": "polite" }, message || "");
  const act = (action) => async () => {
    try {
      const updated = await request(api.assistAction(id, "decision"), {
        method: "POST",
        body: { action, comment: comment.value.trim() || null },
        headers: { "If-Match": a.etag },
      });
      app.toast(t("review.done", { state: refLabel(app, "review_state", updated.review_state) }));
      await renderReviewRecord(el, app, id);
    } catch (e) {
      if (e.status === 412) return renderReviewRecord(el, app, id, t("review.stale"));
      note.textContent = errorText(e);
      note.className = "msg error";
    }
  };
  // A provinsi looks at records; deciding on them is the kabupaten's.
  const buttons =
    a.voided || !can(app.session, "review.decide")
      ? null
      : h(
          "div",
          { class: "actions" },
          h("button", { type: "button", onclick: act("approve") }, t("review.approve")),
          h("button", { type: "button", class: "secondary", onclick: act("flag") }, t("review.flag")),
          h("button", { type: "button", class: "danger", onclick: act("reject") }, t("review.reject")),
        );
  mount(
    el,
    h("p", null, h("a", { href: "#/review" }, t("review.back"))),
    h("h1", null, a.head_name),
    h(
      "p",
      null,
      h(
        "span",
        { class: `badge review ${a.review_state}` },
        a.voided ? t("review.voided") : refLabel(app, "review_state", a.review_state),
      ),
      a.duplicate ? h("span", { class: "badge dup" }, t("review.duplicate")) : null,
      a.corrected ? h("span", { class: "badge corrected" }, t("review.corrected")) : null,
    ),
    a.changes.length ? changesTable(app, a.changes) : null,
    a.review_comment ? h("p", { class: "alert", role: "note" }, a.review_comment) : null,
    a.clock_suspect ? h("p", { class: "notice" }, t("review.clockSuspect")) : null,
    h(
      "dl",
      { class: "card facts" },
      row("review.kk", a.kk_number),
      row("review.head", a.head_name),
      row("review.members", num(a.members)),
      row("review.outcome", refLabel(app, "outcome", a.outcome)),
      row("review.reasons", (a.reasons || []).map((r) => refLabel(app, "reason", r)).join(", ")),
      row("review.device", refLabel(app, "device_used", a.device_used)),
      row("review.phone", a.phone),
      row("review.notes", a.notes),
      row("review.place", `${a.place_name} · ${a.desa_name || a.desa_code} · ${day(a.date)}`),
      row("review.enumerator", a.enumerator.name),
    ),
    a.same_household.length
      ? h(
          "section",
          { class: "card" },
          h("h2", null, t("review.sameHousehold")),
          h(
            "ul",
            { class: "list plain" },
            a.same_household.map((s) =>
              h("li", null, `${s.place_name} · ${day(s.date)} · ${s.enumerator.name} · ${s.head_name}`),
            ),
          ),
        )
      : null,
    buttons ? [field("review-comment", t("review.comment"), comment, t("review.commentHint")), buttons, note] : null,
    h(
      "section",
      null,
      h("h2", null, t("review.history")),
      h(
        "ol",
        { class: "list plain", "data-testid": "history" },
        a.history.map((e) =>
          h(
            "li",
            null,
            `${when(Date.parse(e.at))} · ${e.actor}: ${refLabel(app, "review_state", e.to_state)} (v${e.version})${e.comment ? ` — ${e.comment}` : ""}`,
          ),
        ),
      ),
      h("h2", null, t("review.versions")),
      h(
        "ol",
        { class: "list plain" },
        a.versions.map((v) =>
          h("li", null, t("review.version", { v: v.version, when: when(Date.parse(v.received_at)) })),
        ),
      ),
    ),
  );
}
