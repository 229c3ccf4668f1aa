/**
 * The period a screen's figures cover: today, yesterday, this week, the whole period, or chosen days.
 * One choice for every figures screen, kept while the user moves between them.
 */
import { t, today } from "../../i18n.js";
import { field, h } from "../dom.js";

export const PRESETS = ["today", "yesterday", "week", "all", "custom"];

/** Return a date YYYY-MM-DD shifted by days. */
export function shift(iso, days) {
  const d = new Date(`${iso}T00:00:00`);
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/**
 * Return the {from, to} of a choice (empty: not limited on that side); a week starts on Monday.
 * @param {{preset: string, from?: string, to?: string}} choice
 * @param {string} [now] today, YYYY-MM-DD
 */
export function span(choice, now = today()) {
  if (choice.preset === "today") return { from: now, to: now };
  if (choice.preset === "yesterday") return { from: shift(now, -1), to: shift(now, -1) };
  if (choice.preset === "week") {
    const weekday = (new Date(`${now}T00:00:00`).getDay() + 6) % 7;
    return { from: shift(now, -weekday), to: now };
  }
  if (choice.preset === "custom") return { from: choice.from || "", to: choice.to || "" };
  return { from: "", to: "" };
}

/** Return the user's current choice (the whole period until they pick another). */
export function chosen(app) {
  return app.staffState.range || { preset: "all" };
}

/** The chooser: period buttons, and two dates for "custom"; a change redraws the screen. */
export function rangeChooser(app) {
  const choice = chosen(app);
  const set = (next) => {
    app.staffState.range = next;
    app.rerender();
  };
  const buttons = PRESETS.map((preset) =>
    h(
      "button",
      {
        type: "button",
        class: `chip${choice.preset === preset ? " on" : ""}`,
        "aria-pressed": choice.preset === preset ? "true" : "false",
        onclick: () => set({ ...choice, preset }),
      },
      t(`range.${preset}`),
    ),
  );
  const custom = [];
  if (choice.preset === "custom") {
    const from = h("input", { type: "date", value: choice.from || "", max: today() });
    const to = h("input", { type: "date", value: choice.to || "", max: today() });
    from.addEventListener("change", () => set({ ...choice, from: from.value }));
    to.addEventListener("change", () => set({ ...choice, to: to.value }));
    custom.push(field("range-from", t("range.from"), from), field("range-to", t("range.to"), to));
  }
  return h(
    "div",
    { class: "range no-print", role: "group", "aria-label": t("range.label"), "data-testid": "range" },
    h("div", { class: "chips" }, buttons),
    custom.length ? h("div", { class: "grid" }, custom) : null,
  );
}

/** Words for the chosen period ("hari ini", "1–5 Mar 2020"). */
export function rangeText(app) {
  const choice = chosen(app);
  if (choice.preset !== "custom") return t(`range.${choice.preset}`);
  const { from, to } = span(choice);
  return `${from || "…"} – ${to || "…"}`;
}
