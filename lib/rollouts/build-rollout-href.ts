// Where the rollout view of a release (in one environment) or of an image lives; the timeline's
// rollout rows and the release page link there.
export function releaseRolloutHref(releaseId: number, environment?: string | null): string {
  return `/rollouts/releases/${releaseId}${environment ? `?environment=${encodeURIComponent(environment)}` : ""}`;
}

export function imageRolloutHref(ref: string, environment?: string | null): string {
  const params = new URLSearchParams({ ref });
  if (environment) params.set("environment", environment);
  return `/rollouts/image?${params.toString()}`;
}
