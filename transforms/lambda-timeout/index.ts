// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'lambda-timeout', title: 'lambda-timeout', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
