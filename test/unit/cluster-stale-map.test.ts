/**
 * Which failed commands make the Redis Cluster client read the slot map again
 * (server/store/redis/cluster-topology.ts, decision 025): no answer at all, or
 * CLUSTERDOWN; never a reply from the node that owns the slot.
 */
import { ClientClosedError, ClientOfflineError, ConnectionTimeoutError, ErrorReply, SocketClosedUnexpectedlyError } from 'redis';
import { expect, it } from 'vitest';
import { ClusterNotReachedError, mayBeStale } from '../../server/store/redis/cluster-topology.js';

it('reads the slot map again after no answer or CLUSTERDOWN, not after an answer from the right node', () => {
  const stale = [
    new ClientOfflineError(),
    new ClientClosedError(),
    new SocketClosedUnexpectedlyError(),
    new ConnectionTimeoutError(),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7000'), { code: 'ECONNREFUSED' }),
    new ClusterNotReachedError('no seed answered'),
    new ErrorReply('CLUSTERDOWN The cluster is down'),
  ];
  const answers = [
    new ErrorReply('NOSCRIPT No matching script. Please use EVAL.'),
    new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value'),
    new ErrorReply('ERR user_script:12: bad argument'),
  ];
  expect(stale.map(mayBeStale)).toEqual(stale.map(() => true));
  expect(answers.map(mayBeStale)).toEqual(answers.map(() => false));
});
