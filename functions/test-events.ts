/** Event and context fixtures for handler tests: what API Gateway and Lambda hand a function. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** An API Gateway v2 event, as the HTTP API sends it. */
export function httpEvent(routeKey: string, init: { body?: string; headers?: Record<string, string>; requestId?: string; sourceIp?: string } = {}): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    requestContext: {
      accountId: '111111111111',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: init.sourceIp ?? '192.0.2.1', userAgent: 'test' },
      requestId: init.requestId ?? 'req-1',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
    isBase64Encoded: false,
  };
}

/** A Lambda context for one invocation. */
export function lambdaContext(requestId: string): Context {
  return {
    awsRequestId: requestId,
    functionName: 'onramp-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:onramp-test',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/onramp-test',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
