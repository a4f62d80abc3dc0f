// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'apigw-cache', title: 'apigw-cache', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
