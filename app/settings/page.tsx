import { redirect } from "next/navigation";

/** Settings has one page so far: ingestion. */
export default function SettingsPage() {
  redirect("/settings/integrations");
}
