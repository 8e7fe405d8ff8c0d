/**
 * The Waitroom client SDK: hold a place in line from any page or from Node,
 * hand the grant to a booking page, book. docs/sdk.md shows how to use it.
 */
export { WaitroomClient, type WaitroomClientOptions } from './client.js';
export type * from './events.js';
export type { ConnectionStatus, SocketConstructor, SocketLike } from './connection.js';
export { memoryStorage, defaultStorage, TicketStore, type KeyValueStorage, type StoredTicket } from './storage.js';
export { readHandoff, storedHandoff, withHandoffFragment, handoffFromFragment, type Handoff } from './handoff.js';
export {
  book,
  fetchAvailability,
  availabilityUrl,
  GRANT_FINISHED_CODES,
  type Availability,
  type Booking,
  type BookingResult,
  type BookingFailureCode,
  type Person,
} from './booking-api.js';
export { WaitroomOptionsError } from './urls.js';
export type { RecoveryErrorCode, RecoveryResult } from './recovery.js';
