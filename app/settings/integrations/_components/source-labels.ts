import type { DeliverySource } from "@/lib/generated/prisma/enums";

/** How the page names each webhook source, and its name in URLs (?source=). */
export const SOURCE_LABELS: Record<DeliverySource, string> = { ARGOCD: "Argo CD", GITHUB: "GitHub", BUILD: "CI build reports", DEPLOYER: "Deployment events", GITLAB: "GitLab", FLUX: "Flux" };
export const SOURCE_PARAMS: Record<DeliverySource, "argocd" | "github" | "build" | "deployer" | "gitlab" | "flux"> = { ARGOCD: "argocd", GITHUB: "github", BUILD: "build", DEPLOYER: "deployer", GITLAB: "gitlab", FLUX: "flux" };
