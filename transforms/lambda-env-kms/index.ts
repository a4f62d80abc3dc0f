// PLACEHOLDER: replaced by the real transform (meta, cfn and cdk halves).
import { defineTransform } from '../../src/transform.js';

export default defineTransform({
  meta: { id: 'lambda-env-kms', title: 'lambda-env-kms', failure: '', docsUrl: '', seeAlso: [], options: {} },
});
