/**
 * A sign-in refused while the account or the address is locked (429
 * SIGN_IN_THROTTLED): says in words when to try again, counting down each
 * second, and keeps the button disabled until then (an earlier try is
 * refused unchecked anyway).
 */
import { setText } from '../common/dom.js';
import { HttpErrorCode } from '../../shared/http/error-codes.js';
import type { RequestError } from '../common/fetch-json.js';

export const SIGN_IN_THROTTLED = HttpErrorCode.SIGN_IN_THROTTLED;

let timer: ReturnType<typeof setInterval> | undefined;

export function waitText(seconds: number): string {
  return `Too many failed sign-ins. Try again in ${seconds} s. · 로그인 실패가 너무 많습니다. ${seconds}초 후에 다시 시도하세요.`;
}

/** Counts down in `line` from the refusal's Retry-After, the submit button disabled meanwhile. */
export function showSignInWait(error: RequestError, line: HTMLElement, submit: HTMLButtonElement): void {
  stopSignInWait(submit);
  const until = Date.now() + (error.retryAfterSeconds ?? 1) * 1000;
  const tick = () => {
    const seconds = Math.ceil((until - Date.now()) / 1000);
    if (seconds > 0) {
      setText(line, waitText(seconds));
      return;
    }
    stopSignInWait(submit);
    setText(line, 'You can try again now. · 지금 다시 시도할 수 있습니다.');
  };
  submit.disabled = true;
  line.hidden = false;
  tick();
  timer = setInterval(tick, 1000);
}

export function stopSignInWait(submit: HTMLButtonElement): void {
  clearInterval(timer);
  timer = undefined;
  submit.disabled = false;
}
