/**
 * The Kubernetes manifests (deploy/k8s/) as `kubectl kustomize` renders them: every Waitroom container
 * runs a real npm script, is probed on the right paths and ports (readiness /readyz, liveness /livez,
 * tolerant enough that a Redis outage restarts nothing), runs non-root on a read-only root with a writable
 * /tmp, has requests, and gets longer to stop than its drain; the PodDisruptionBudgets select the pods;
 * the config in the ConfigMap is valid. Nothing is applied: there is no cluster here (deploy/README.md).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/config/load.js';
import { CONFIG_VARIABLES, npmScriptOf, renderKustomization } from '../support/deploy-files.js';

type Manifest = Record<string, any>;

const base = renderKustomization('deploy/k8s/base');
const production = renderKustomization('deploy/k8s/overlays/production');
const dir = mkdtempSync(join(tmpdir(), 'waitroom-k8s-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const deployments = ofKind(base, 'Deployment');
const byName = (name: string) => deployments.find((deployment) => deployment.metadata.name === name)!;
const containerOf = (deployment: Manifest) => deployment.spec.template.spec.containers[0];

/** The config file the pods read, as in the ConfigMap. */
const configMap = ofKind(base, 'ConfigMap')[0]!;
const rawConfig = JSON.parse(configMap.data['waitroom.json']) as Record<string, any>;

/** The role each Deployment runs, and the port its probes must use (from the config it is given). */
const ROLES = [
  { deployment: 'waitroom-gateway', script: 'gateway', port: () => rawConfig.gateway.port, replicas: 3 },
  { deployment: 'waitroom-controller', script: 'controller', port: () => rawConfig.controller.port, replicas: 2 },
  { deployment: 'waitroom-reservations', script: 'reservations', port: () => rawConfig.reservations.port, replicas: 2 },
];

describe('kubectl kustomize deploy/k8s', () => {
  it('renders the base: three Deployments, their Services and PodDisruptionBudgets, the config, the keys, the migration', () => {
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(ROLES.map((role) => role.deployment).sort());
    expect(ofKind(base, 'Service')).toHaveLength(3);
    expect(ofKind(base, 'PodDisruptionBudget')).toHaveLength(3);
    expect(ofKind(base, 'Secret').map((secret) => secret.metadata.name)).toEqual(['waitroom-keys']);
    expect(ofKind(base, 'Job').map((job) => npmScriptOf(job.spec.template.spec.containers[0].args))).toEqual(['migrate']);
  });

  it.each(ROLES)('$deployment runs `npm run $script` with $replicas replicas, probed on its port', ({ deployment: name, script, port, replicas }) => {
    const deployment = byName(name);
    const container = containerOf(deployment);
    expect(deployment.spec.replicas).toBe(replicas);
    expect(npmScriptOf(container.args)).toBe(script);
    if (script === 'gateway') expect(container.args).toContain('--no-controller');
    const portNumber = (probe: Manifest) => container.ports.find((declared: Manifest) => declared.name === probe.httpGet.port)?.containerPort;
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(container.startupProbe.httpGet.path).toBe('/livez');
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) expect(portNumber(probe)).toBe(port());
    // A stuck process is restarted after a minute of failed /livez; a Redis outage never fails /livez.
    expect(container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold).toBeGreaterThanOrEqual(60);
  });

  it.each(ROLES)('$deployment runs non-root on a read-only root with a writable /tmp, and has requests', ({ deployment: name }) => {
    const pod = byName(name).spec.template.spec;
    const container = containerOf(byName(name));
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.enableServiceLinks).toBe(false);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const tmp = container.volumeMounts.find((mount: Manifest) => mount.mountPath === '/tmp');
    expect(pod.volumes.find((volume: Manifest) => volume.name === tmp.name).emptyDir).toBeDefined();
    for (const mount of container.volumeMounts) expect(pod.volumes.map((volume: Manifest) => volume.name)).toContain(mount.name);
    expect(container.resources.requests.cpu).toBeDefined();
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    for (const variable of container.env) expect(CONFIG_VARIABLES).toContain(variable.name);
  });

  it('mounts the ConfigMap and Secret the base defines, at the paths the config names', () => {
    const pod = byName('waitroom-gateway').spec.template.spec;
    const volume = (name: string) => pod.volumes.find((candidate: Manifest) => candidate.name === name);
    expect(volume('config').configMap.name).toBe(configMap.metadata.name);
    expect(volume('keys').secret.secretName).toBe('waitroom-keys');
    const mounts = new Map(containerOf(byName('waitroom-gateway')).volumeMounts.map((mount: Manifest) => [mount.name, mount.mountPath]));
    const env = new Map(containerOf(byName('waitroom-gateway')).env.map((variable: Manifest) => [variable.name, variable.value]));
    expect(env.get('WAITROOM_CONFIG')).toBe(`${mounts.get('config')}/waitroom.json`);
    expect(rawConfig.eventsFile).toBe(`${mounts.get('config')}/events.json`);
    const secret = ofKind(base, 'Secret')[0]!;
    const keyFiles = [rawConfig.keys.grant.privateKeys.g1, rawConfig.keys.grant.publicKeys.g1, rawConfig.keys.ticket.secrets.t1];
    for (const file of keyFiles) {
      expect(file).toMatch(new RegExp(`^file:${mounts.get('keys')}/`));
      expect(Object.keys(secret.stringData)).toContain(file.split('/').pop());
    }
  });

  it('gives a gateway longer to stop than its drain window (+10 s), and a reservation handler longer than a request', () => {
    const grace = (name: string) => byName(name).spec.template.spec.terminationGracePeriodSeconds;
    expect(grace('waitroom-gateway')).toBeGreaterThanOrEqual(rawConfig.gateway.drainSeconds + 10);
    expect(grace('waitroom-reservations')).toBeGreaterThanOrEqual((rawConfig.reservations.requestTimeoutMs ?? 30_000) / 1000 + 10);
    // A roll never takes capacity away: a new pod is ready before an old one drains.
    for (const deployment of deployments) expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it('has PodDisruptionBudgets that select each Deployment and let one pod go at a time', () => {
    for (const deployment of deployments) {
      const labels = deployment.spec.template.metadata.labels as Record<string, string>;
      const budgets = ofKind(base, 'PodDisruptionBudget').filter((budget) =>
        Object.entries(budget.spec.selector.matchLabels as Record<string, string>).every(([key, value]) => labels[key] === value),
      );
      expect(budgets, deployment.metadata.name).toHaveLength(1);
      expect(budgets[0]!.spec.maxUnavailable).toBe(1);
    }
  });

  it('has Services that select the pods and name their ports', () => {
    for (const service of ofKind(base, 'Service')) {
      const deployment = deployments.find((candidate) =>
        Object.entries(service.spec.selector as Record<string, string>).every(([key, value]) => candidate.spec.template.metadata.labels[key] === value),
      )!;
      expect(deployment, service.metadata.name).toBeDefined();
      for (const port of service.spec.ports) expect(containerOf(deployment).ports.map((declared: Manifest) => declared.name)).toContain(port.targetPort);
    }
  });

  it('carries a configuration the schema accepts (with the events file it mounts)', () => {
    const eventsFile = join(dir, 'events.json');
    writeFileSync(eventsFile, configMap.data['events.json']);
    const config = parseConfig({ ...rawConfig, eventsFile });
    expect(config.store.kind).toBe('redis');
    expect(config.gateway.host).toBe('0.0.0.0');
    expect(config.reservations.host).toBe('0.0.0.0');
    expect(config.gateway.trustProxy.length).toBeGreaterThan(0);
  });

  it('renders the production overlay: its namespace and image, 6 gateways, and no placeholder keys', () => {
    expect(production.every((manifest) => manifest.metadata.namespace === 'waitroom')).toBe(true);
    expect(ofKind(production, 'Secret')).toEqual([]);
    const gateway = ofKind(production, 'Deployment').find((deployment) => deployment.metadata.name === 'waitroom-gateway')!;
    expect(gateway.spec.replicas).toBe(6);
    expect(containerOf(gateway).image).toBe('registry.example.org/waitroom:0.1.0');
    for (const deployment of ofKind(production, 'Deployment'))
      for (const variable of containerOf(deployment).env) expect(CONFIG_VARIABLES).toContain(variable.name);
  });
});
