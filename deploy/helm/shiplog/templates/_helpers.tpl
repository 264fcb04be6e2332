{{/* Names and labels shared by every object of the release. */}}
{{- define "shiplog.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "shiplog.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* <fullname>-<component>, within the 63 characters of a label value and a Service name. */}}
{{- define "shiplog.componentName" -}}
{{- printf "%s-%s" (include "shiplog.fullname" .root | trunc (int (sub 62 (len .component)))) .component | trimSuffix "-" }}
{{- end }}

{{- define "shiplog.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shiplog.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "shiplog.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "shiplog.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: shiplog
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "shiplog.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "shiplog.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "shiplog.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
The settings of one component as a map of strings: `settings`, then the component's own
overrides. Empty values are dropped (Shiplog's default applies). Lists are joined (commas; spaces
for OIDC_SCOPES), the JSON settings rendered as JSON, whole numbers without an exponent.
A credential among them stops the render: credentials are read from Secrets only.
*/}}
{{- define "shiplog.settings" -}}
{{- $root := .root }}
{{- $merged := merge (deepCopy (default (dict) .overrides)) (deepCopy $root.Values.settings) }}
{{- $json := list "SHIPLOG_CLASSIFICATION_RULES" "SHIPLOG_ROLE_MAPPINGS" }}
{{- $out := dict }}
{{- range $name, $value := $merged }}
{{- if hasKey $root.Values.secrets.settings $name }}
{{- fail (printf "%s is a credential: put it in the Secret %q under the key %s, or point secrets.settings.%s at another Secret; never in settings" $name $root.Values.secrets.existingSecret $name $name) }}
{{- end }}
{{- if not (regexMatch "^[A-Z][A-Z0-9_]*$" $name) }}
{{- fail (printf "settings.%s: setting names are lib/env.ts's environment variable names (upper case, e.g. LOG_LEVEL)" $name) }}
{{- end }}
{{- if not (or (kindIs "invalid" $value) (and (kindIs "string" $value) (eq $value ""))) }}
{{- if has $name $json }}
{{- if kindIs "string" $value }}{{ $_ := set $out $name $value }}{{ else }}{{ $_ := set $out $name (toJson $value) }}{{ end }}
{{- else if kindIs "slice" $value }}
{{- $_ := set $out $name (join (ternary " " "," (eq $name "OIDC_SCOPES")) $value) }}
{{- else if kindIs "map" $value }}
{{- fail (printf "settings.%s: expected a string, number or list, got a map" $name) }}
{{- else if and (kindIs "float64" $value) (eq (float64 (int64 $value)) $value) }}
{{- $_ := set $out $name (toString (int64 $value)) }}
{{- else }}
{{- $_ := set $out $name (toString $value) }}
{{- end }}
{{- end }}
{{- end }}
{{- toJson $out }}
{{- end }}

{{/* Where one credential setting is read from: {name, key, optional}. */}}
{{- define "shiplog.secretRef" -}}
{{- $root := .root }}
{{- if not (regexMatch "^[A-Z][A-Z0-9_]*$" .setting) }}
{{- fail (printf "secrets.settings.%s: setting names are lib/env.ts's environment variable names (upper case, e.g. DATABASE_URL)" .setting) }}
{{- end }}
{{- $ref := default (dict) (index $root.Values.secrets.settings .setting) }}
{{- $name := default $root.Values.secrets.existingSecret $ref.name }}
{{- if not $name }}
{{- fail (printf "%s has no Secret to read it from: set secrets.existingSecret, or secrets.settings.%s.name" .setting .setting) }}
{{- end }}
{{- $optional := true }}
{{- if hasKey $ref "optional" }}{{ $optional = $ref.optional }}{{ end }}
{{- toJson (dict "name" $name "key" (default .setting $ref.key) "optional" $optional) }}
{{- end }}

{{/*
The env list of a Shiplog container: plain settings as values, credentials as secretKeyRefs,
then extraEnv. Arguments: root, overrides (the component's settings), computed (settings the
chart derives for this component, used only where the operator set nothing).
*/}}
{{- define "shiplog.env" -}}
{{- $root := .root }}
{{- $settings := include "shiplog.settings" (dict "root" $root "overrides" .overrides) | fromJson }}
{{- range $name, $value := default (dict) .computed }}
{{- if not (hasKey $settings $name) }}{{ $_ := set $settings $name $value }}{{ end }}
{{- end }}
{{- range $name := keys $settings | sortAlpha }}
- name: {{ $name }}
  value: {{ index $settings $name | quote }}
{{- end }}
{{- range $setting := keys $root.Values.secrets.settings | sortAlpha }}
{{- $ref := include "shiplog.secretRef" (dict "root" $root "setting" $setting) | fromJson }}
- name: {{ $setting }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name | quote }}
      key: {{ $ref.key | quote }}
      optional: {{ $ref.optional }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* One component's effective setting (overrides, then settings); empty string when unset. */}}
{{- define "shiplog.setting" -}}
{{- $settings := include "shiplog.settings" (dict "root" .root "overrides" .overrides) | fromJson }}
{{- index $settings .name | default "" }}
{{- end }}

{{/* Pod-level fields every Shiplog pod shares. */}}
{{- define "shiplog.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "shiplog.writableMounts" -}}
{{- range $index, $path := .Values.writableDirs }}
- name: writable-{{ $index }}
  mountPath: {{ $path | quote }}
{{- end }}
{{- end }}

{{- define "shiplog.writableVolumes" -}}
{{- range $index, $path := .Values.writableDirs }}
- name: writable-{{ $index }}
  emptyDir: {}
{{- end }}
{{- end }}

{{/* A PodDisruptionBudget's bounds: exactly one of minAvailable / maxUnavailable. */}}
{{- define "shiplog.pdbBounds" -}}
{{- $has := dict "min" (not (eq (toString .pdb.minAvailable) "")) "max" (not (eq (toString .pdb.maxUnavailable) "")) }}
{{- if and $has.min $has.max }}
{{- fail (printf "%s.podDisruptionBudget: set minAvailable or maxUnavailable, not both" .component) }}
{{- else if $has.min }}
minAvailable: {{ .pdb.minAvailable }}
{{- else if $has.max }}
maxUnavailable: {{ .pdb.maxUnavailable }}
{{- else }}
{{- fail (printf "%s.podDisruptionBudget: set minAvailable or maxUnavailable" .component) }}
{{- end }}
{{- end }}

{{/* A HorizontalPodAutoscaler for one component's Deployment (web, accept): root, component, scaling (its autoscaling values). */}}
{{- define "shiplog.hpa" -}}
{{- $context := dict "root" .root "component" .component }}
{{- $scaling := .scaling }}
{{- if gt (int $scaling.minReplicas) (int $scaling.maxReplicas) }}
{{- fail (printf "%s.autoscaling: minReplicas (%v) is above maxReplicas (%v)" .component $scaling.minReplicas $scaling.maxReplicas) }}
{{- end }}
{{- if not (or $scaling.targetCPUUtilizationPercentage $scaling.targetMemoryUtilizationPercentage) }}
{{- fail (printf "%s.autoscaling: set targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" .component) }}
{{- end }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "shiplog.componentName" $context }}
  labels:
    {{- include "shiplog.labels" $context | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "shiplog.componentName" $context }}
  minReplicas: {{ $scaling.minReplicas }}
  maxReplicas: {{ $scaling.maxReplicas }}
  metrics:
    {{- with $scaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $scaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  {{- with $scaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
