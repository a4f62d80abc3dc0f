import type { TransformMeta } from '../../src/transform.js';

export interface CorsOptions {
  origins: string[];
}

export const meta: TransformMeta = {
  id: 'cors',
  title: 'Allow CORS from named origins instead of *',
  failure: "An API or function URL allows cross-origin requests from any origin ('*')",
  docsUrl: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html',
  // No cdk-nag rule or CloudFormation checkov check looks at allowed origins.
  seeAlso: [],
  options: {
    origins: {
      type: 'string[]',
      default: ['https://example.com'],
      description:
        "The origins allowed instead of '*' (scheme, host, port: https://app.example.com). A static header carries only the first; list-valued settings (HTTP APIs, function URLs) get them all.",
    },
  },
};
