// A DORA performance level as a badge: elite and high in the calm tones, medium amber, low red.
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { DoraLevel } from "@/lib/metrics/classify-dora-performance";

const TONES: Record<DoraLevel, BadgeTone> = { elite: "good", high: "info", medium: "warn", low: "bad" };
const LABELS: Record<DoraLevel, string> = { elite: "Elite", high: "High", medium: "Medium", low: "Low" };

export function DoraLevelBadge({ level }: { level: DoraLevel | null }) {
  if (level === null) return <span className="text-xs text-zinc-500">no data</span>;
  return (
    <span data-level={level}>
      <Badge tone={TONES[level]}>{LABELS[level]}</Badge>
    </span>
  );
}
