/**
 * The metrics a deployment is watched by, on real processes: a gateway (with
 * its admission controller) and a reservation handler on Redis serve, after a
 * join and a booking, every metric that deploy/'s alert rules and Grafana
 * dashboard name, with the latency histograms holding those observations.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { bookingBody, postBooking } from '../support/booking.js';
import { cleanUpProcesses, startNode, writeClusterConfig } from '../support/processes.js';
import { alertRules, dashboardExpressions, metricNamesIn } from '../support/prometheus.js';
import { testEvent } from '../support/system.js';
import { refusalOf, TestClient } from '../support/ws-client.js';

interface Sample {
  name: string;
  labels: string;
  value: number;
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(`${url}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return (await response.text())
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const name = /^[a-zA-Z_:][\w:]*/.exec(line)![0];
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      return { name, labels: line.slice(name.length, line.lastIndexOf(' ')), value };
    });
}

/** The value of `name` on the sample whose labels include every one of `labels` (`key="value"`); undefined when none. */
function valueOf(samples: Sample[], name: string, ...labels: string[]): number | undefined {
  return samples.find((s) => s.name === name && labels.every((label) => s.labels.includes(label)))?.value;
}

describe('/metrics of a live gateway and reservation handler', () => {
  const clients: TestClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await cleanUpProcesses();
  });

  it('has every metric the alerts and the dashboard read, and histograms of the join, booking, ticks and Redis round trips', async () => {
    const config = await writeClusterConfig({ events: [testEvent({ maxActive: 5 })] });
    const [gateway, reservations] = await Promise.all([
      startNode({ role: 'gateway', name: 'observed-gateway', configFile: config.path }),
      startNode({ role: 'reservations', name: 'observed-reservations', configFile: config.path }),
    ]);
    const client = await TestClient.connect(gateway.wsUrl);
    clients.push(client);
    await client.join('ev');
    const { grant } = await client.waitFor('admitted');
    expect((await postBooking(reservations.url, 'ev', bookingBody(grant, client.secret))).status).toBe(201);
    // An error of each kind, so the labelled error counters have a series.
    expect((await refusalOf(client.join('no-such-event'))).code).toBe('UNKNOWN_EVENT');
    expect((await postBooking(reservations.url, 'ev', bookingBody('not-a-grant', client.secret))).status).toBeGreaterThanOrEqual(400);
    // A tick after the admission: the gateway's gauges carry the figures of a live event.
    const deadline = Date.now() + 10_000;
    while (valueOf(await scrape(gateway.url), 'waitroom_event_admitted', 'event="ev"') !== 1) {
      if (Date.now() > deadline) throw new Error(`the gateway never reported the admission:\n${gateway.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const [fromGateway, fromReservations] = await Promise.all([scrape(gateway.url), scrape(reservations.url)]);
    const served = new Set([...fromGateway, ...fromReservations].map((s) => s.name.replace(/_(bucket|sum|count)$/, '')));
    const named = [...alertRules().map((rule) => rule.expr), ...dashboardExpressions().map(({ expr }) => expr)].flatMap(metricNamesIn);
    expect(named.length).toBeGreaterThan(25);
    expect([...new Set(named)].filter((name) => !served.has(name))).toEqual([]);

    const count = (samples: Sample[], name: string, ...labels: string[]) => valueOf(samples, `${name}_count`, ...labels) ?? 0;
    expect(count(fromGateway, 'waitroom_join_duration_seconds', 'event="ev"', 'outcome="ticket"')).toBe(1);
    expect(count(fromGateway, 'waitroom_join_duration_seconds', 'event=""', 'outcome="refused"')).toBe(1);
    expect(count(fromReservations, 'waitroom_booking_duration_seconds', 'outcome="booked"')).toBe(1);
    expect(count(fromReservations, 'waitroom_booking_duration_seconds', 'outcome="refused"')).toBe(1);
    expect(count(fromGateway, 'waitroom_tick_duration_seconds', 'event="ev"')).toBeGreaterThan(1);
    expect(count(fromGateway, 'waitroom_publish_duration_seconds', 'event="ev"')).toBeGreaterThan(1);
    // Round trips by script name: the join's batch and the controller's admission here, the booking's commit there.
    expect(count(fromGateway, 'waitroom_redis_command_duration_seconds', 'command="join-batch"')).toBeGreaterThanOrEqual(1);
    expect(count(fromGateway, 'waitroom_redis_command_duration_seconds', 'command="admit"')).toBeGreaterThanOrEqual(1);
    expect(count(fromReservations, 'waitroom_redis_command_duration_seconds', 'command="commit-booking"')).toBe(1);
    for (const samples of [fromGateway, fromReservations]) {
      expect(valueOf(samples, 'waitroom_store_up')).toBe(1);
      // Health per event (decision 026): the one Redis is the one shard, and it serves the event.
      expect(valueOf(samples, 'waitroom_event_store_up', 'event="ev"')).toBe(1);
      expect(samples.filter((s) => s.name === 'waitroom_redis_shard_up').map((s) => s.value)).toEqual([1]);
      expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
      expect(valueOf(samples, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
      // The Summary it replaced (it could not be added up across gateways) is gone.
      expect(samples.some((s) => s.name.startsWith('waitroom_publish_seconds'))).toBe(false);
    }
    expect(valueOf(fromGateway, 'waitroom_event_max_active', 'event="ev"')).toBe(5);
    expect(valueOf(fromGateway, 'waitroom_event_open', 'event="ev"')).toBe(1);
    expect(valueOf(fromGateway, 'waitroom_event_admitted', 'event="ev"')).toBe(1);
  });
});
