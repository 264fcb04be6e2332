import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { type ReactNode, Suspense } from "react";
import { UserMenu } from "./_auth/user-menu";
import { SearchBox } from "@/components/search-box";
import { NavLink } from "@/components/ui/nav-link";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Shiplog", template: "%s · Shiplog" },
  description: "Fleet-wide release dashboard for Argo CD: what runs where, and how it got there.",
  // Listed here, icons replace the <link> Next would make for app/icon.svg, so it is named too. The
  // .ico (sizes 32x32, so that browsers that read SVG take the SVG) and the apple icon are in
  // public/ (scripts/draw-icons.ts).
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "32x32" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
  manifest: "/manifest.webmanifest",
  // A private tool: public/robots.txt keeps crawlers out, and this keeps any page a crawler
  // reached through a stray link out of the index.
  robots: { index: false, follow: false },
};

/** The pages in the top bar, in the order users reach for them. */
const navigation = [
  { href: "/", label: "Fleet" },
  { href: "/timeline", label: "Timeline" },
  { href: "/environments", label: "Environments" },
  { href: "/metrics", label: "DORA" },
  { href: "/rollbacks", label: "Rollbacks" },
  { href: "/promotions", label: "Promotions" },
  { href: "/settings/integrations", label: "Ingestion" },
];

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, never prerendered at build time: its scripts carry the
  // request's CSP nonce (proxy.ts), and a prerendered page's could not.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <header className="border-b border-zinc-200 bg-white">
          <div className="mx-auto flex h-14 max-w-7xl items-center gap-8 px-6">
            <nav aria-label="Main" className="flex items-center gap-8 self-stretch">
              <Link href="/" className="text-lg font-semibold tracking-tight text-zinc-950 no-underline">
                Shiplog
              </Link>
              <ul className="flex gap-6 self-stretch text-sm font-medium">
                {navigation.map(({ href, label }) => (
                  <li key={href} className="flex">
                    <NavLink href={href}>{label}</NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <SearchBox />
            <Suspense fallback={null}>
              <UserMenu />
            </Suspense>
          </div>
        </header>
        <main className="mx-auto max-w-7xl px-6 py-8">
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
