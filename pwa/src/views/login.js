/**
 * Sign-in screen: a password, or a one-time code from the supervisor (scanned as a QR or typed).
 * The first sign-in on a phone needs a signal; afterwards the app works offline.
 */
import { t } from "../i18n.js";
import { field, h, mount } from "./dom.js";
import { languageButtons } from "./language.js";

/** The app's name and the language choice, above both ways in. */
function header(redraw) {
  return h(
    "header",
    { class: "brand" },
    h("img", { src: "/icons/icon-192.png", alt: "", width: 48, height: 48 }),
    h("div", null, h("p", { class: "app-name" }, t("app.title")), h("p", { class: "sub" }, t("app.tagline"))),
    h("div", { class: "lang", role: "group", "aria-label": t("login.language") }, languageButtons(redraw)),
  );
}

/**
 * @param {HTMLElement} el
 * @param {{message?: string, username?: string, code?: string,
 *   onSubmit: (u: string, p: string) => Promise<string|null>, onCode: (code: string) => Promise<string|null>}} options
 */
export function renderLogin(el, options) {
  const { message, username, code, onSubmit, onCode } = options;
  const redraw = () => renderLogin(el, { ...options, username: user.value, code: codeInput.value, autoSubmit: false });
  const user = h("input", { name: "username", autocomplete: "username", autocapitalize: "none", required: true });
  const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  if (username) user.value = username;
  const passwordForm = form(t("login.submit"), () => onSubmit(user.value.trim(), pass.value), pass, [
    h("h1", null, t("login.title")),
    message ? h("p", { class: "notice" }, message) : null,
    field("login-username", t("login.username"), user),
    field("login-password", t("login.password"), pass),
  ]);
  const codeInput = h("input", {
    name: "code",
    autocomplete: "one-time-code",
    autocapitalize: "characters",
    spellcheck: "false",
    class: "mono",
    required: true,
    maxlength: "12",
  });
  if (code) codeInput.value = code;
  const codeForm = form(t("login.codeSubmit"), () => onCode(codeInput.value), codeInput, [
    h("h2", null, t("login.codeTitle")),
    h("p", { class: "sub" }, t("login.codeHint")),
    field("login-code", t("login.code"), codeInput),
  ]);
  mount(el, header(redraw), passwordForm, codeForm);
  if (code && options.autoSubmit !== false) codeForm.requestSubmit();
  else (username ? pass : user).focus();
}

function form(submitText, send, clearOnError, children) {
  const error = h("p", { class: "alert", role: "alert", hidden: true });
  const submit = h("button", { type: "submit" }, submitText);
  return h(
    "form",
    {
      class: "card",
      novalidate: true, // the app's own words, in the app's language, not the browser's
      onsubmit: async (event) => {
        event.preventDefault();
        const empty = [...event.target.querySelectorAll("input[required]")].find((input) => !input.value.trim());
        if (empty) {
          error.textContent = t("field.required");
          error.hidden = false;
          empty.focus();
          return;
        }
        submit.disabled = true;
        const problem = await send();
        submit.disabled = false;
        if (problem) {
          error.textContent = problem;
          error.hidden = false;
          clearOnError.value = "";
          clearOnError.focus();
        }
      },
    },
    children,
    error,
    submit,
  );
}
