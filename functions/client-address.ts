/** The address a request comes from, for per-client attempt limits. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The viewer's address from `header` (CloudFront's `CloudFront-Viewer-Address`
 * is `ip:port`, IPv6 without brackets) when one is configured and present;
 * otherwise the connection's source address. Behind CloudFront the source is
 * an edge server shared by many sellers, so the CDK configures the header;
 * the API is reachable only through CloudFront, which sets it itself.
 */
export function clientAddress(event: APIGatewayProxyEventV2, header: string | undefined): string {
  const viewer = header ? event.headers?.[header]?.trim() : undefined;
  if (viewer) {
    const port = viewer.lastIndexOf(':');
    const ip = port > 0 ? viewer.slice(0, port) : viewer;
    if (/^[0-9a-f.:]+$/i.test(ip)) return ip.toLowerCase();
  }
  return event.requestContext?.http?.sourceIp ?? 'unknown';
}
