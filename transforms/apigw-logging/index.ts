// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'apigw-logging', title: 'apigw-logging', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
