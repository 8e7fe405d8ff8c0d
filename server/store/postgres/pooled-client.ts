/**
 * A pooled PostgreSQL client for the length of one piece of work (a
 * transaction). The pool listens for errors only on its idle clients: a
 * connection that dies while checked out (the server stopped in immediate
 * mode, or restarted) emits 'error' on its client, and an 'error' nobody
 * listens to ends the process. Here it is heard (the query in flight fails
 * with it all the same, so the work sees it), and the broken client is
 * destroyed on release instead of going back to the pool.
 */
import type pg from 'pg';

export async function withPooledClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } finally {
    // A broken client keeps the listener: the pool ends it, and nothing else hears it any more.
    if (!broken) client.off('error', onError);
    client.release(broken);
  }
}
