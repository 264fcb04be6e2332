// The classification rules in force: the defaults, with the lists an operator set in
// SHIPLOG_CLASSIFICATION_RULES replacing theirs. Changed rules re-file an application at its next
// event; `npm run replay -- --rebuild` re-files history too.
import { config } from "../env";
import { type ClassificationRules, defaultClassificationRules } from "./classify-application";

export function configuredClassificationRules(): ClassificationRules {
  return { ...defaultClassificationRules, ...config().SHIPLOG_CLASSIFICATION_RULES };
}
