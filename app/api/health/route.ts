// Liveness: 200 while the process serves requests. Touches nothing else, so a database
// outage makes Shiplog unready (/api/ready), never restarted.
export function GET() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
