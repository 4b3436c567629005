/**
 * The port the delivery engine sends through. In the server it is `ThreadedSender`, which runs
 * `HttpSender` in a thread; the engine's own tests give it one whose requests end when they say.
 */
import type { SendOutcome } from '../domain/send-outcome.ts';
import type { SendRequest } from './http-sender.ts';

export type { SendRequest };

/** What the engine sends through. */
export interface Sender {
  /**
   * Sends one attempt. A request with a lane waits there while its lane has `concurrency` requests
   * out; `undefined` means it was withdrawn while waiting and never went out.
   */
  send(request: SendRequest): Promise<SendOutcome | undefined>;
  /** Takes back the requests still waiting in a lane; a sender without lanes has none to take. */
  withdraw?(laneKey: string): void;
}
