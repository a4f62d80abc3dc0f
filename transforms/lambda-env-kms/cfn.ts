/**
 * CloudFormation and SAM: each function with environment variables and no KmsKeyArn gets the
 * template's one suitable customer managed key, or a new one, and its role gets kms:Decrypt on it.
 * Variables that look like secrets written in the template are reported: a key does not hide them.
 */
import type { Operation } from 'fast-json-patch';
import type { Template } from '../../src/document/cfn/index.js';
import type { CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { isPlainObject, pointer } from '../_shared/cfn.js';
import { hasVariables, keyState, lambdaFunctions, propertyPointer, type LambdaFunction } from './functions.js';
import { decryptGrant, type PlannedGrants } from './grant.js';
import { chooseKey, type ChosenKey } from './key.js';
import type { LambdaEnvKmsOptions } from './meta.js';

export const cfn: CfnHalf<LambdaEnvKmsOptions> = {
  detect(template, ctx) {
    const functions = lambdaFunctions(template);
    const findings: CfnFindingInput[] = functions.flatMap((fn) => secretFindings(fn, ctx.options.secretNames));
    const targets = functions.filter((fn) => hasVariables(fn) && keyState(fn.settings.KmsKeyArn) !== 'set');
    if (targets.length === 0) return findings;
    const key = chooseKey(template, functions, ctx.options);
    const planned: PlannedGrants = new Map();
    let keyCreated = false;
    for (const fn of targets) {
      const finding = encryptFinding(fn, template, key, planned, keyCreated);
      if (finding.fix) keyCreated = true;
      findings.push(finding);
    }
    return findings;
  },
};

function encryptFinding(fn: LambdaFunction, template: Template, key: ChosenKey, planned: PlannedGrants, keyCreated: boolean): CfnFindingInput {
  const { logicalId } = fn.resource;
  const base = { pointer: propertyPointer(fn), logicalId };
  const problem = `${logicalId} has environment variables and no customer managed KMS key (KmsKeyArn)`;
  if (keyState(fn.settings.KmsKeyArn) === 'conditional') {
    return { ...base, messageId: 'envKeyConditional', message: `${problem} in some branch of its Fn::If.`, manual: 'KmsKeyArn is chosen by a condition; decide which key the branch without one should use.' };
  }
  const grant = decryptGrant(fn, template, key.logicalId, planned);
  if ('reason' in grant) return { ...base, messageId: 'envKeyManual', message: `${problem}.`, manual: `Not encrypted: ${grant.reason}.` };
  // The key is created by the first fix; later fixes test that it is there, so none can point at a missing key.
  const keyOps: Operation[] = keyCreated || key.create.length === 0 ? keyExists(key) : key.create;
  return {
    ...base,
    messageId: 'envKeyAdded',
    message: `${problem}: it now uses ${key.description}. ${grant.what}`,
    fix: [...keyOps, ...grant.ops, { op: 'add', path: propertyPointer(fn, 'KmsKeyArn'), value: { 'Fn::GetAtt': [key.logicalId, 'Arn'] } }],
  };
}

function keyExists(key: ChosenKey): Operation[] {
  return [{ op: 'test', path: pointer('Resources', key.logicalId, 'Type'), value: 'AWS::KMS::Key' }];
}

/** Variables whose name says secret and whose value is written in the template. */
function secretFindings(fn: LambdaFunction, secretNames: string[]): CfnFindingInput[] {
  const variables = fn.resource.properties.Environment;
  const own = isPlainObject(variables) && isPlainObject(variables.Variables) ? variables.Variables : {};
  const parts = secretNames.map((s) => s.toUpperCase());
  return Object.entries(own)
    .filter(([name, value]) => typeof value === 'string' && value !== '' && !value.includes('{{resolve:') && parts.some((p) => name.toUpperCase().includes(p)))
    .map(([name]) => ({
      pointer: propertyPointer(fn, 'Environment', 'Variables', name),
      logicalId: fn.resource.logicalId,
      messageId: 'envSecretLiteral',
      message: `${fn.resource.logicalId} sets ${name}, which looks like a secret, to text written in the template.`,
      manual:
        'Encryption at rest does not keep a value out of the template, its history or the console. Store it in Secrets Manager or an SSM SecureString parameter and read it at run time (or reference it with {{resolve:secretsmanager:…}}).',
    }));
}
