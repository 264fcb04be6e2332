// What planning and running promotions need from outside the database: the rollback
// dependencies (Argo CD clients, GitHub, clock; an automatic rollback of a failed wave is a
// rollback), the promotion settings, and how to link to a promotion's page. Built from
// lib/env.ts in the app; tests pass fakes.
import "server-only";
import { config } from "../env";
import { type RollbackDependencies, defaultRollbackDependencies } from "../rollback/rollback-dependencies";

export type PromotionSettings = {
  approval: "production" | "none";
  autoMerge: boolean;
  autoRollback: boolean;
  canaryClusters: number;
  waveSize: number;
  regionOrder: string[];
  soakMs: number;
  /** A wave not Synced and Healthy this long after it started stops the promotion. */
  waveTimeoutMs: number;
};

export type PromotionDependencies = RollbackDependencies & {
  promotion: PromotionSettings;
  /** Link to a promotion on Shiplog (put in pull requests), or null when the public URL is unknown. */
  promotionUrl: (promotionId: number) => string | null;
};

export function defaultPromotionDependencies(options: { publicBaseUrl?: string | null } = {}): PromotionDependencies {
  const settings = config();
  return {
    ...defaultRollbackDependencies(options),
    promotion: {
      approval: settings.SHIPLOG_PROMOTION_APPROVAL,
      autoMerge: settings.SHIPLOG_PROMOTION_AUTO_MERGE ?? false,
      autoRollback: settings.SHIPLOG_PROMOTION_AUTO_ROLLBACK ?? false,
      canaryClusters: settings.SHIPLOG_PROMOTION_CANARY_CLUSTERS,
      waveSize: settings.SHIPLOG_PROMOTION_WAVE_SIZE,
      regionOrder: settings.SHIPLOG_PROMOTION_REGION_ORDER,
      soakMs: settings.SHIPLOG_PROMOTION_SOAK_MINUTES * 60_000,
      waveTimeoutMs: settings.SHIPLOG_PROMOTION_WAVE_TIMEOUT_MINUTES * 60_000,
    },
    promotionUrl: (id) => (options.publicBaseUrl ? new URL(`/promotions/${id}`, options.publicBaseUrl).toString() : null),
  };
}
