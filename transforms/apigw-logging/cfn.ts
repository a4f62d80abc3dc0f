/**
 * apigw-logging, CloudFormation and SAM: execution logs (REST) and access logs (REST, HTTP,
 * WebSocket) on every stage the template creates.
 */
import type { CfnFindingInput, CfnHalf } from '../../src/transform.js';
import { pointer } from '../_shared/cfn.js';
import { restApisWithoutStage, restStages } from '../_shared/apigw/rest-stages.js';
import { accessLogging, restAccessLogSite, v2AccessLogSites } from './access-logging.js';
import { accountRoleFinding, executionLogging, existingAccount } from './execution-logging.js';
import type { LoggingOptions } from './meta.js';

export const cfn: CfnHalf<LoggingOptions> = {
  detect(template, ctx) {
    const options = ctx.options;
    const stages = restStages(template);
    const account = existingAccount(template);
    const taken = new Set<string>();
    const planned = new Set<string>();
    const findings: CfnFindingInput[] = [];
    let accountNeeded = false;
    for (const stage of stages) {
      const execution = executionLogging(template, stage, options, account, planned);
      if (execution === 'needsAccount') accountNeeded = true;
      else if (execution) findings.push(execution);
      const site = restAccessLogSite(template, stage);
      if ('blocked' in site) {
        findings.push({ pointer: stage.pointer, logicalId: stage.logicalId, messageId: 'accessLogComputed', message: `${stage.logicalId}: cannot tell whether access logs are on.`, manual: site.blocked });
      } else {
        const access = accessLogging(template, site, options, taken);
        if (access) findings.push(access);
      }
    }
    for (const site of v2AccessLogSites(template)) {
      const access = accessLogging(template, site, options, taken);
      if (access) findings.push(access);
    }
    // The stages wait for the next pass, where they are ordered after the account this adds.
    if (accountNeeded) findings.unshift(accountRoleFinding(template, options, taken));
    findings.push(...restApisWithoutStage(template, stages).map(stageElsewhere));
    return findings;
  },
};

function stageElsewhere(restApiId: string): CfnFindingInput {
  return {
    pointer: pointer('Resources', restApiId),
    messageId: 'stageElsewhere',
    message: `${restApiId}: no stage in this template deploys this REST API, so there is nowhere to turn its logging on.`,
    manual: 'its stage is created elsewhere (another template, the console, a pipeline): enable logging there',
  };
}
