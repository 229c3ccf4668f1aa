/**
 * Sign-in screen. The first sign-in on a phone needs a signal; afterwards the app works offline.
 */
import { t } from "../i18n.js";
import { field, h, mount } from "./dom.js";

/**
 * @param {HTMLElement} el
 * @param {{message?: string, username?: string, onSubmit: (u: string, p: string) => Promise<string|null>}} options
 */
export function renderLogin(el, { message, username, onSubmit }) {
  const error = h("p", { class: "alert", role: "alert", hidden: true });
  const user = h("input", { name: "username", autocomplete: "username", autocapitalize: "none", required: true });
  const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  if (username) user.value = username;
  const submit = h("button", { type: "submit" }, t("login.submit"));
  const form = h(
    "form",
    {
      class: "card",
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        const problem = await onSubmit(user.value.trim(), pass.value);
        submit.disabled = false;
        if (problem) {
          error.textContent = problem;
          error.hidden = false;
          pass.value = "";
          pass.focus();
        }
      },
    },
    h("h1", null, t("login.title")),
    message ? h("p", { class: "notice" }, message) : null,
    field("login-username", t("login.username"), user),
    field("login-password", t("login.password"), pass),
    error,
    submit,
  );
  mount(el, form);
  (username ? pass : user).focus();
}
