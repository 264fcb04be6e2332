// Which promotion states hold a service and environment: the database allows one such promotion
// per pair (partial unique index promotions_one_active_per_service_environment lists the same states).
import type { PromotionState } from "../generated/prisma/enums";

export const ACTIVE_PROMOTION_STATES = ["AWAITING_APPROVAL", "RUNNING", "PAUSED"] as const satisfies readonly PromotionState[];

/** The actor of what Shiplog does by itself (waves, soak, time limits, automatic rollbacks). */
export const PROMOTION_SYSTEM_ACTOR = "system:promotions";
