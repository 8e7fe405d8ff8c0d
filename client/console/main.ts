/**
 * The operator console (`/console/`): sign in against the operator accounts
 * (the server sets an HttpOnly session cookie), then watch and steer the
 * queue. Every control is authorised by the server; the page only mirrors it.
 */
import './console.css';
import { el, setText } from '../common/dom.js';
import { asRequestError } from '../common/fetch-json.js';
import { api } from './api.js';
import { HttpErrorCode } from '../../shared/http/error-codes.js';
import { startDashboard, type Dashboard } from './dashboard.js';
import { clearMessage, describeError, showDone, showError } from './message-bar.js';
import { showSignInWait, SIGN_IN_THROTTLED } from './sign-in-wait.js';
import type { OperatorView } from '../../shared/http/console.js';

const loginSection = el('login', HTMLElement);
const loginForm = el('login-form', HTMLFormElement);
const loginError = el('login-error', HTMLElement);
const who = el('who', HTMLElement);
let dashboard: Dashboard | null = null;

function showLogin(problem?: string): void {
  dashboard?.stop();
  dashboard = null;
  who.hidden = true;
  loginSection.hidden = false;
  loginError.hidden = !problem;
  setText(loginError, problem ?? '');
  el('login-name', HTMLInputElement).focus();
}

function enter(operator: OperatorView): void {
  loginSection.hidden = true;
  loginForm.reset();
  setText(el('who-name', HTMLElement), operator.name);
  const role = el('who-role', HTMLElement);
  role.dataset.role = operator.role;
  setText(role, operator.role);
  who.hidden = false;
  dashboard = startDashboard(operator, (reason) => {
    dashboard = null;
    clearMessage();
    showLogin(reason);
  });
}

loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const submit = el('login-submit', HTMLButtonElement);
  submit.disabled = true;
  try {
    const { operator } = await api.signIn(el('login-name', HTMLInputElement).value, el('login-password', HTMLInputElement).value);
    clearMessage();
    enter(operator);
    submit.disabled = false;
  } catch (error) {
    const refusal = asRequestError(error);
    if (refusal.code === SIGN_IN_THROTTLED) return showSignInWait(refusal, loginError, submit);
    loginError.hidden = false;
    setText(loginError, describeError(error));
    submit.disabled = false;
  }
});

el('sign-out', HTMLButtonElement).addEventListener('click', async () => {
  try {
    await api.signOut();
    showLogin();
    showDone('Signed out.');
  } catch (error) {
    showError('Sign out', error);
  }
});

async function boot(): Promise<void> {
  try {
    enter((await api.session()).operator);
  } catch (error) {
    showLogin(asRequestError(error).code === HttpErrorCode.UNAUTHORIZED ? undefined : `Could not check the session: ${describeError(error)}`);
  }
}

void boot();
