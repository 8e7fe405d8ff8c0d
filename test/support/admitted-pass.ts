/** A booking pass got the real way: join the event over the gateway's WebSocket and wait for the turn. */
import { identityNonce } from '../../shared/booking/identity-nonce.js';
import { TestClient } from './ws-client.js';

export interface AdmittedPass {
  client: TestClient;
  grant: string;
  secret: string;
  /** The grant's id: an identity assertion's nonce for this pass. */
  grantId: string;
}

export async function admittedPass(wsUrl: string, eventId: string, birthDate?: string): Promise<AdmittedPass> {
  const client = await TestClient.connect(wsUrl);
  await client.join(eventId, birthDate);
  const { grant } = await client.waitFor('admitted', () => true, 15_000);
  const grantId = identityNonce(grant);
  if (grantId === null) throw new Error('the gateway handed over a grant that does not read');
  return { client, grant, secret: client.secret, grantId };
}
