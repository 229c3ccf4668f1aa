/**
 * Accounts: the list (search, role, pages), a new account, and one account with its phones, its one-time
 * sign-in code (QR) and the actions a supervisor takes when a petugas moves, leaves or loses a phone.
 */
import { request } from "../../api.js";
import { areaPicker, workArea } from "./area-picker.js";
import { dateTime, num, t, when } from "../../i18n.js";
import { field, h, mount, setMessage } from "../dom.js";
import { csvImport } from "./csv-import.js";
import { apiPath } from "./data.js";
import { api } from "../../endpoints.js";

/** The roles this user may give (from the server's permission table, via /auth/me). */
function rolesFor(app) {
  return app.session.assignableRoles || [];
}

function roleSelect(app, value, { any = false } = {}) {
  const select = h(
    "select",
    null,
    any ? h("option", { value: "" }, t("users.anyRole")) : null,
    rolesFor(app).map((role) => h("option", { value: role }, t(`role.${role}`))),
  );
  select.value = value || "";
  return select;
}

/** The level of area a role is given (provinsi 1 … desa 4); none for an admin (the whole country). */
const ROLE_LEVEL = { enumerator: 4, coordinator: 3, supervisor: 2, province_supervisor: 1 };

/**
 * The areas of an account, picked by name: chips that can be removed, and a search limited to the level the
 * chosen role is given. No codes to type.
 * @param {string} id the field id (`${id}-msg` carries the server's message)
 * @param {HTMLSelectElement} role
 * @param {Array<{code: string, name: string}>} initial
 */
function areaField(id, role, initial = []) {
  const chosen = new Map(initial.map((a) => [a.code, a.name]));
  const chips = h("ul", { class: "chips", "aria-live": "polite" });
  const msg = h("p", { class: "msg", id: `${id}-msg`, "aria-live": "polite" }, t("user.areasHint"));
  const hint = () => t(`user.areasFor.${role.value}`);
  const draw = () =>
    mount(
      chips,
      [...chosen].map(([code, name]) => {
        const remove = h(
          "button",
          { type: "button", class: "secondary inline", "aria-label": t("user.removeArea", { name }) },
          "×",
        );
        remove.addEventListener("click", () => {
          chosen.delete(code);
          draw();
        });
        return h("li", { "data-code": code }, name, " ", remove);
      }),
    );
  const picker = areaPicker(
    `${id}-pick`,
    (area) => {
      chosen.set(area.code, area.name);
      draw();
    },
    { label: hint(), level: () => ROLE_LEVEL[role.value] ?? null },
  );
  role.addEventListener("change", () => {
    picker.querySelector("label").textContent = hint();
  });
  draw();
  const box = h("fieldset", { id, class: "areas" }, h("legend", null, t("user.areas")), chips, picker, msg);
  box.codes = () => [...chosen.keys()];
  return box;
}

/** One account in the list. */
function userItem(u) {
  return h(
    "li",
    { "data-username": u.username },
    h("a", { href: `#/users/${u.id}` }, h("strong", null, u.display_name), ` (${u.username})`),
    h("small", null, [u.role_label, u.areas.map((a) => a.name).join(", ")].filter(Boolean).join(" · ")),
    h(
      "small",
      null,
      u.active ? "" : `${t("users.inactive")} · `,
      t("users.devices", { n: num(u.device_count) }),
      u.last_sync_at ? ` · ${t("device.lastSync", { when: when(Date.parse(u.last_sync_at)) })}` : "",
    ),
  );
}

/** Render the list of accounts the user manages, a page at a time. */
export async function renderUsers(el, app) {
  const filters = (app.staffState.userFilters ||= { q: "", role: "" });
  const q = h("input", { type: "search", value: filters.q });
  const role = roleSelect(app, filters.role, { any: true });
  const form = h(
    "form",
    {
      class: "filters",
      onsubmit: (event) => {
        event.preventDefault();
        app.staffState.userFilters = { q: q.value.trim(), role: role.value };
        app.rerender();
      },
    },
    field("users-q", t("users.search"), q),
    field("users-role", t("users.role"), role),
    h("button", { type: "submit", class: "secondary" }, t("audit.search")),
  );
  const total = h("p", { class: "sub" });
  const list = h("ul", { class: "list", "data-testid": "users" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("users.more"));
  let cursor = null;
  async function load() {
    more.disabled = true;
    const page = await request(apiPath(api.users, { ...filters, cursor, limit: 50 }));
    total.textContent = t("users.total", { n: num(page.total) });
    list.append(...page.items.map(userItem));
    cursor = page.next;
    more.hidden = !cursor;
    more.disabled = false;
  }
  more.addEventListener("click", load);
  await load();
  mount(
    el,
    h("h1", null, t("users.title")),
    h("p", null, h("a", { class: "button", href: "#/users/new" }, t("users.new"))),
    form,
    total,
    list,
    h("p", { class: "actions" }, more),
    csvImport(app, "users-import", t("users.import"), t("users.importHelp"), api.usersImport, undefined, (fmt) =>
      apiPath(api.usersTemplate(fmt), { area: workArea(app) }),
    ),
  );
}

/** Show a problem's field errors under the form's fields (ids are `${prefix}-${field}`), else its message. */
function showProblem(form, prefix, error, note) {
  const errors = error.body?.errors || {};
  for (const name of ["username", "display_name", "role", "areas", "password", "phone"]) {
    setMessage(form, `${prefix}-${name}`, errors[name] ? [].concat(errors[name]).join(" ") : "");
  }
  note.textContent = error.message;
}

/** A phone number field (numeric keypad); an existing number shows masked as its placeholder. */
function phoneInput(current) {
  return h("input", {
    type: "tel",
    inputmode: "tel",
    autocomplete: "off",
    maxlength: 24,
    placeholder: current || "0812…",
  });
}

/** Render the form for a new account. */
export function renderNewUser(el, app) {
  const username = h("input", { autocapitalize: "none", autocomplete: "off", required: true });
  const name = h("input", { autocomplete: "off" });
  const role = roleSelect(app, "enumerator");
  const areas = areaField("new-areas", role);
  const password = h("input", { type: "password", autocomplete: "new-password" });
  const phone = phoneInput();
  const note = h("p", { class: "alert", role: "alert" });
  const form = h(
    "form",
    {
      class: "card",
      onsubmit: async (event) => {
        event.preventDefault();
        const body = {
          username: username.value.trim(),
          display_name: name.value.trim() || null,
          role: role.value,
          areas: areas.codes(),
          password: password.value || null,
          phone: phone.value.trim() || null,
        };
        try {
          const user = await request(api.users, { method: "POST", body });
          app.toast(t("user.created", { name: user.display_name }));
          app.navigate(`#/users/${user.id}`);
        } catch (error) {
          showProblem(form, "new", error, note);
        }
      },
    },
    field("new-username", t("user.username"), username),
    field("new-display_name", t("user.displayName"), name),
    field("new-role", t("users.role"), role),
    areas,
    field("new-password", t("user.password"), password, t("user.passwordHint")),
    field("new-phone", t("user.phone"), phone, t("user.phoneHint")),
    note,
    h("button", { type: "submit" }, t("user.create")),
  );
  mount(el, h("h1", null, t("users.new")), form);
}

/** Render one account: details, sign-in code, password, phones. */
export async function renderUser(el, app, id) {
  const user = await request(api.user(id));
  const note = h("p", { class: "msg", role: "status", "aria-live": "polite" });
  const act = async (path, body, done) => {
    try {
      const result = await request(path, {
        method: body === undefined ? "POST" : body.method || "POST",
        body: body?.data,
      });
      if (done) done(result);
      else app.rerender();
    } catch (error) {
      note.textContent = error.message;
    }
  };
  mount(
    el,
    h("p", null, h("a", { href: "#/users" }, `← ${t("users.title")}`)),
    h("h1", null, user.display_name),
    h("p", { class: "sub" }, `${user.username} · ${user.role_label}${user.active ? "" : ` · ${t("users.inactive")}`}`),
    note,
    editCard(app, user, note),
    codeCard(user, act),
    h(
      "section",
      { class: "card" },
      h("h2", null, t("user.resetPassword")),
      passwordForm(user, act),
      h(
        "button",
        {
          type: "button",
          class: user.active ? "danger" : "secondary",
          onclick: () => act(api.user(user.id), { method: "PATCH", data: { active: !user.active } }),
        },
        t(user.active ? "user.disable" : "user.enable"),
      ),
    ),
    devicesCard(user, act),
  );
}

function editCard(app, user, note) {
  const name = h("input", { value: user.display_name });
  const role = roleSelect(app, user.role);
  const areas = areaField("edit-areas", role, user.areas);
  const phone = phoneInput(user.phone);
  const form = h(
    "form",
    {
      class: "card",
      onsubmit: async (event) => {
        event.preventDefault();
        const data = {
          display_name: name.value.trim(),
          role: role.value,
          areas: areas.codes(),
        };
        // Left empty, the stored number stays (it is shown masked as the placeholder).
        if (phone.value.trim()) data.phone = phone.value.trim();
        try {
          await request(api.user(user.id), { method: "PATCH", body: data });
          app.toast(t("user.saved"));
          app.rerender();
        } catch (error) {
          showProblem(form, "edit", error, note);
        }
      },
    },
    field("edit-display_name", t("user.displayName"), name),
    field("edit-role", t("users.role"), role),
    areas,
    field("edit-phone", t("user.phone"), phone, t("user.phoneHint")),
    h("button", { type: "submit", class: "secondary" }, t("user.save")),
  );
  return form;
}

function codeCard(user, act) {
  const box = h("div", { "data-testid": "sign-in-code" });
  const button = h("button", { type: "button", disabled: !user.active }, t("user.code"));
  button.addEventListener("click", () =>
    act(api.userAction(user.id, "sign-in-codes"), undefined, (code) =>
      mount(
        box,
        h("img", {
          src: code.qr_svg,
          alt: t("user.codeQr", { name: user.display_name }),
          class: "qr",
          width: "240",
          height: "240",
        }),
        h("p", { class: "code mono", "data-testid": "code" }, code.code),
        h("p", { class: "sub" }, t("user.codeHint", { when: dateTime(Date.parse(code.expires_at)) })),
      ),
    ),
  );
  return h("section", { class: "card" }, h("h2", null, t("user.code")), button, box);
}

function passwordForm(user, act) {
  const input = h("input", { type: "password", autocomplete: "new-password", minlength: "8", required: true });
  return h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        act(api.userAction(user.id, "password"), { data: { password: input.value } }, () => {
          input.value = "";
          input.form.querySelector(".msg").textContent = t("user.passwordReset");
        });
      },
    },
    field(`password-${user.id}`, t("user.newPassword"), input),
    h("button", { type: "submit", class: "secondary" }, t("user.resetPassword")),
  );
}

function devicesCard(user, act) {
  return h(
    "section",
    { class: "card" },
    h("h2", null, t("user.devices")),
    user.devices.length
      ? h(
          "ul",
          { class: "list", "data-testid": "devices" },
          user.devices.map((d) =>
            h(
              "li",
              { "data-device": d.id },
              h("strong", { class: "mono" }, d.id.slice(0, 8)),
              h(
                "small",
                null,
                [
                  t("device.lastSync", { when: d.last_sync_at ? when(Date.parse(d.last_sync_at)) : t("device.never") }),
                  d.app_version ? t("device.version", { v: d.app_version }) : null,
                  d.pending_count ? t("device.pending", { n: num(d.pending_count) }) : null,
                ]
                  .filter(Boolean)
                  .join(" · "),
              ),
              d.revoked_at
                ? [
                    h(
                      "span",
                      { class: "badge rejected" },
                      t("device.revoked", { when: when(Date.parse(d.revoked_at)) }),
                    ),
                    h(
                      "button",
                      { type: "button", class: "secondary", onclick: () => act(api.device(d.id, "restore")) },
                      t("device.restore"),
                    ),
                  ]
                : h(
                    "button",
                    {
                      type: "button",
                      class: "danger",
                      onclick: () => confirm(t("device.revokeConfirm")) && act(api.device(d.id, "revoke")),
                    },
                    t("device.revoke"),
                  ),
            ),
          ),
        )
      : h("p", null, t("user.noDevices")),
  );
}
