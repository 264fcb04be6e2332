// The release cadence that gives a demo fleet about `target` deployments. Deployments do not grow
// in proportion to the cadence (every service also has its initial release and the fleet-wide
// rollout days, whatever the cadence), so a single proportional guess from cadence 1 fell short
// (1.6 M for 2 M asked); this solves for the cadence with the secant method instead, counting
// deployments exactly as the bulk loader's projection makes them, on services sampled across
// the whole fleet and scaled up tier by tier (a tier-1 service releases four times as often as a
// tier-3 one, so an unstratified sample of 120 missed by 5 %).
import { type DemoService, demoServiceEvents, demoServices } from "./generate-demo-fleet";
import { type IdSource, ServiceProjection, type Topology } from "./project-demo-service";

const SAMPLE_SIZE = 150;

export function cadenceForDeployments(
  target: number,
  options: { services: number; applicationsPerService?: number; now: Date },
): number {
  const all = demoServices(options.services, { applicationsPerService: options.applicationsPerService });
  const stride = Math.max(1, Math.floor(all.length / SAMPLE_SIZE));
  const sample = all.filter((_, index) => index % stride === 0).slice(0, SAMPLE_SIZE);
  const tiers = [1, 2, 3].map((tier) => ({
    sample: sample.filter((service) => service.tier === tier),
    population: all.filter((service) => service.tier === tier).length,
  }));
  const estimate = (cadence: number) =>
    tiers.reduce(
      (sum, tier) => sum + (tier.sample.length === 0 ? 0 : (countDeployments(tier.sample, { ...options, cadence }) / tier.sample.length) * tier.population),
      0,
    );

  let previous = { cadence: 1, count: estimate(1) };
  let current = { cadence: Math.max(0.05, target / previous.count), count: 0 };
  current.count = estimate(current.cadence);
  for (let step = 0; step < 6 && Math.abs(current.count - target) > target * 0.01; step += 1) {
    const slope = (current.count - previous.count) / (current.cadence - previous.cadence);
    if (!Number.isFinite(slope) || slope <= 0) break;
    const cadence = Math.max(0.05, current.cadence + (target - current.count) / slope);
    previous = current;
    current = { cadence, count: estimate(cadence) };
  }
  return current.cadence;
}

/** Deployments the bulk projection makes for `services`, with throwaway ids. */
function countDeployments(services: DemoService[], options: { services: number; applicationsPerService?: number; now: Date; cadence: number }): number {
  let nextId = 1;
  const ids: IdSource = () => nextId++;
  const topology: Topology = { teamId: () => 1, environmentId: () => 1, instanceId: () => 1, clusterId: () => 1 };
  let count = 0;
  for (const service of services) {
    const projection = new ServiceProjection(ids, topology);
    for (const event of demoServiceEvents(service, options)) projection.apply(event);
    for (const application of projection.applications.values()) count += application.deployments.size;
  }
  return count;
}
