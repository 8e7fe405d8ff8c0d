/** Test clients of one system, from chosen loopback addresses, dropped together at the end of a suite. */
import { TestClient } from './ws-client.js';

export class ClientPool {
  private readonly clients: TestClient[] = [];

  /** `wsUrl` is read at each connect: the system may start after the pool is made. */
  constructor(private readonly wsUrl: () => string) {}

  async connect(address?: string): Promise<TestClient> {
    const client = await TestClient.connect(this.wsUrl(), undefined, address);
    this.clients.push(client);
    return client;
  }

  /** `count` clients from `address`, connected at once. */
  many(count: number, address?: string): Promise<TestClient[]> {
    return Promise.all(Array.from({ length: count }, () => this.connect(address)));
  }

  dropAll(): Promise<unknown> {
    return Promise.all(this.clients.splice(0).map((client) => client.drop()));
  }
}
