"use client";

import { useId, useState } from "react";
import { renderIntegrationSetup } from "@/lib/ingest/status/render-integration-setup";
import { SetupSnippet, SetupValue } from "./setup-snippet";

/** The Argo CD Notifications configuration, rendered for the instance name typed in. */
export function ArgocdSetup({ baseUrl, initialInstance }: { baseUrl: string; initialInstance: string }) {
  const inputId = useId();
  const [instance, setInstance] = useState(initialInstance);
  const name = instance.trim() || initialInstance;
  const setup = renderIntegrationSetup({ baseUrl, instance: name }).argocd;
  return (
    <div className="space-y-4">
      <dl className="space-y-2">
        <SetupValue label="Webhook URL" value={setup.url} />
      </dl>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label htmlFor={inputId} className="font-medium text-zinc-700">
          Instance name
        </label>
        <input
          id={inputId}
          value={instance}
          onChange={(event) => setInstance(event.target.value)}
          maxLength={200}
          spellCheck={false}
          className="w-48 rounded-md border border-zinc-300 px-2 py-1 font-mono text-sm text-zinc-900"
        />
        <span className="text-zinc-600">One stable name per Argo CD instance; it is part of every application&apos;s identity.</span>
      </div>
      <SetupSnippet title="argocd-notifications-secret (Secret)" text={setup.secretYaml} language="yaml" />
      <SetupSnippet title="argocd-notifications-cm (ConfigMap)" text={setup.configMapYaml} language="yaml" />
      <p className="text-sm text-zinc-600">
        Apply both in Argo CD&apos;s namespace (<code className="font-mono">kubectl apply -n argocd -f …</code>). If the ConfigMap already has
        services or a <code className="font-mono">subscriptions</code> key, merge these entries into it. Full guide: docs/setup-argocd.md.
      </p>
    </div>
  );
}
