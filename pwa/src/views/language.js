/**
 * The language choice, the same on the sign-in screen and in Settings: a button per language, the current one
 * pressed; choosing one keeps it on the phone and redraws.
 */
import { language, setLanguage } from "../i18n.js";
import { h } from "./dom.js";

const LANGUAGES = [
  ["id", "Bahasa Indonesia"],
  ["en", "English"],
];

/** One button per language; `redraw` runs after the choice. */
export function languageButtons(redraw) {
  return LANGUAGES.map(([code, name]) =>
    h(
      "button",
      {
        type: "button",
        class: code === language() ? "" : "secondary",
        "aria-pressed": String(code === language()),
        lang: code,
        onclick: () => {
          setLanguage(code);
          redraw();
        },
      },
      name,
    ),
  );
}
