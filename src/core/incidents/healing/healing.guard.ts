import type { Endpoint } from '../../../shared/contract/fleet.schema';
import type { ChangeFreeze, HealingPolicy } from '../../../shared/contract/incident.schema';

export const HOUR_MS = 3_600_000;

export interface GuardInput {
  policy: HealingPolicy;
  endpoint: Pick<Endpoint, 'id' | 'name' | 'cluster'>;
  now: number;
  /** Freezes now and planned. */
  freezes: ChangeFreeze[];
  /** Actions any policy started over the last hour, on this endpoint and across the fleet. */
  ran: { endpoint: { n: number; last: number | null }; fleet: { n: number; last: number | null } };
}

export interface Decision {
  outcome: 'ran' | 'proposed';
  /** Which guard rail held it back, or why it may act, in words. */
  why: string;
  /** The guard rail that decided, for tests and the UI: cluster, freeze, dry-run, endpoint-limit, fleet-limit, run. */
  rail: 'cluster' | 'freeze' | 'dry-run' | 'endpoint-limit' | 'fleet-limit' | 'run';
}

/** "14:05 UTC" (with the date when it is not today): freeze ends and limit times. */
export function clock(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The guard rails, in order, each with a reason a person can act on: the cluster must be one
 * the policy names (never act elsewhere), no change freeze, not dry-run, and the hourly limits
 * per endpoint and per fleet (counting every policy's actions: a guard rail on how much
 * automation touches the fleet, not on one policy). Only when all pass does it run.
 */
export function decide(g: GuardInput): Decision {
  const { policy, endpoint, now } = g;
  const clusters = policy.match.clusters;
  if (!clusters.includes(endpoint.cluster))
    return {
      outcome: 'proposed',
      rail: 'cluster',
      why: `cluster ${endpoint.cluster} is not one this policy may act in (${clusters.join(', ')}); add it to match.clusters to allow it`,
    };
  const freeze = g.freezes.find((f) => f.from <= now && now < f.to);
  if (freeze)
    return {
      outcome: 'proposed',
      rail: 'freeze',
      why: `change freeze until ${clock(freeze.to, now)} (${freeze.reason}, set by ${freeze.actor}); no policy acts during one`,
    };
  if (policy.mode === 'dry-run')
    return {
      outcome: 'proposed',
      rail: 'dry-run',
      why: 'dry-run: the policy only proposes; set mode: run to let it act',
    };
  const perEndpoint = policy.limits.perEndpointPerHour;
  if (g.ran.endpoint.n >= perEndpoint)
    return {
      outcome: 'proposed',
      rail: 'endpoint-limit',
      why:
        perEndpoint === 0
          ? 'limit: per_endpoint_per_hour is 0, so the policy only proposes'
          : `limit: ${plural(perEndpoint, 'action')} per hour on ${endpoint.name} already taken (last at ${clock(g.ran.endpoint.last ?? now, now)}); a person decides this one`,
    };
  const fleet = policy.limits.fleetPerHour;
  if (g.ran.fleet.n >= fleet)
    return {
      outcome: 'proposed',
      rail: 'fleet-limit',
      why:
        fleet === 0
          ? 'limit: fleet_per_hour is 0, so the policy only proposes'
          : `limit: ${plural(fleet, 'action')} per hour across the fleet already taken (last at ${clock(g.ran.fleet.last ?? now, now)})`,
    };
  return {
    outcome: 'ran',
    rail: 'run',
    why: `every guard rail passed: cluster ${endpoint.cluster}, no change freeze, ${g.ran.endpoint.n}/${perEndpoint} this hour on ${endpoint.name}, ${g.ran.fleet.n}/${fleet} across the fleet`,
  };
}
