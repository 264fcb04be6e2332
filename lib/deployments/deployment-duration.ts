// How long a deployment took, as the timeline shows it: "45 s", "3 min 20 s", "1 h 5 min".
// Pure, so the server's first render and the browser agree.

export function deploymentDuration(startedAt: string, finishedAt: string | null): string | null {
  if (!finishedAt) return null;
  return formatDuration(Date.parse(finishedAt) - Date.parse(startedAt));
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
