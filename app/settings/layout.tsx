import type { ReactNode } from "react";
import { SettingsNav } from "@/components/admin/settings-nav";

/** Every settings page under one sub-navigation (admins also see users, tokens and the audit log). */
export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <SettingsNav />
      {children}
    </>
  );
}
