/**
 * Picking an area by name: a search over the whole tree within the user's scope, each match shown with the
 * areas above it so namesakes (there are many Sukamaju) are told apart.
 */
import { request } from "../../api.js";
import { t } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { apiPath } from "./data.js";
import { api } from "../../endpoints.js";

/**
 * A search field with its matches; choosing one calls onPick(area).
 * @param {string} id unique id prefix
 * @param {(area: {code: string, name: string, level: number}) => void} onPick
 * @param {{label?: string, level?: () => number|null}} [options] `level`: only areas of the level it returns
 */
export function areaPicker(id, onPick, { label = t("area.search"), level = () => null } = {}) {
  const input = h("input", { type: "search", autocomplete: "off", minlength: "2", maxlength: "60" });
  const results = h("ul", { class: "list plain matches", "data-testid": `${id}-matches`, "aria-live": "polite" });
  let timer = null;
  let seq = 0;
  async function look() {
    const q = input.value.trim();
    const mine = ++seq;
    if (q.length < 2) return mount(results);
    let found;
    try {
      found = await request(apiPath(api.areasSearch, { q, level: level() }));
    } catch (error) {
      if (mine === seq) mount(results, h("li", { class: "alert" }, error.message));
      return;
    }
    if (mine !== seq) return; // an older answer arriving late
    if (!found.length) return mount(results, h("li", { class: "notice" }, t("area.none")));
    mount(
      results,
      found.map((area) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "secondary match",
              onclick: () => {
                input.value = ""; // picked: the search is done
                mount(results);
                onPick(area);
              },
            },
            h("strong", null, area.name),
            h("span", { class: "sub" }, [t(`level.${area.level}`), ...area.path].join(" · ")),
          ),
        ),
      ),
    );
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(look, 250);
  });
  return h("div", { class: "area-picker" }, field(`${id}-q`, label, input, t("area.searchHint")), results);
}

/** What a screen shows when it needs an area and the user has not one of their own: the picker. */
export function chooseArea(el, app) {
  mount(
    el,
    h("h1", null, t("area.chooseTitle")),
    h("p", { class: "notice" }, t("area.choose")),
    areaPicker("choose", (area) => {
      app.staffState.area = area.code;
      app.rerender();
    }),
  );
}

/** The area a screen works on: the one picked, else the user's own when they have exactly one. */
export function workArea(app) {
  const own = app.session.scope || [];
  return app.staffState.area || (own.length === 1 ? own[0] : null);
}

/** For someone without a single area of their own: which area the screen shows, and a way to change it. */
export function areaLine(app, area) {
  if (!app.staffState.area || !area) return null;
  const change = h("button", { type: "button", class: "secondary inline" }, t("area.change"));
  change.addEventListener("click", () => {
    app.staffState.area = null;
    app.rerender();
  });
  return h("p", { class: "area-line" }, h("strong", null, area.name), " ", change);
}
