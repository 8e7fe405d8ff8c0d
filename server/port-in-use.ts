/**
 * The start-up error of a part that cannot listen because another listener
 * holds its port. Every listening part (gateway on either transport,
 * reservation handler) names the port this way, and carries EADDRINUSE so
 * server/main/run.ts adds how to choose another.
 */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(
    what: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(`${what}: port ${port} on ${host} is already in use by another listener: refusing to share it`);
  }
}
