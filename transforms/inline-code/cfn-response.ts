/**
 * The `cfn-response` module that CloudFormation adds only to inline (`ZipFile`) code. Code moved to a
 * file no longer gets it, so a copy goes next to the code. Both follow the source AWS publishes in the
 * CloudFormation User Guide ("cfn-response module", MIT-0): same exports, same request, same body.
 * The Node.js copy differs only where the published one uses APIs newer runtimes drop or warn about:
 * `new URL` for the deprecated `url.parse`, the body's byte length (not its character count), and
 * `context.done` called only where the runtime still has it; it also returns a promise that settles
 * when the response is sent, which an async handler may await (the published one returns nothing).
 */

export const PYTHON_FILE = 'cfnresponse.py';
export const NODE_FILE = 'cfn-response.js';

export const PYTHON_CFN_RESPONSE = String.raw`# Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.
# SPDX-License-Identifier: MIT-0
#
# The cfnresponse module CloudFormation provides to inline (ZipFile) code only, as published in the
# AWS CloudFormation User Guide ("cfn-response module"). Vendored by stackfix when the code moved to a file.

from __future__ import print_function
import urllib3
import json

SUCCESS = "SUCCESS"
FAILED = "FAILED"

http = urllib3.PoolManager()


def send(event, context, responseStatus, responseData, physicalResourceId=None, noEcho=False, reason=None):
    responseUrl = event['ResponseURL']

    print(responseUrl)

    responseBody = {
        'Status' : responseStatus,
        'Reason' : reason or "See the details in CloudWatch Log Stream: {}".format(context.log_stream_name),
        'PhysicalResourceId' : physicalResourceId or context.log_stream_name,
        'StackId' : event['StackId'],
        'RequestId' : event['RequestId'],
        'LogicalResourceId' : event['LogicalResourceId'],
        'NoEcho' : noEcho,
        'Data' : responseData
    }

    json_responseBody = json.dumps(responseBody)

    print("Response body:")
    print(json_responseBody)

    headers = {
        'content-type' : '',
        'content-length' : str(len(json_responseBody))
    }

    try:
        response = http.request('PUT', responseUrl, headers=headers, body=json_responseBody)
        print("Status code:", response.status)


    except Exception as e:

        print("send(..) failed executing http.request(..):", e)
`;

export const NODE_CFN_RESPONSE = String.raw`// Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.
// SPDX-License-Identifier: MIT-0
//
// The cfn-response module CloudFormation provides to inline (ZipFile) code only, as published in the
// AWS CloudFormation User Guide ("cfn-response module"). Vendored by stackfix when the code moved to a file.

var https = require("https");

exports.SUCCESS = "SUCCESS";
exports.FAILED = "FAILED";

exports.send = function(event, context, responseStatus, responseData, physicalResourceId, noEcho) {

    var responseBody = JSON.stringify({
        Status: responseStatus,
        Reason: "See the details in CloudWatch Log Stream: " + context.logStreamName,
        PhysicalResourceId: physicalResourceId || context.logStreamName,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
        NoEcho: noEcho || false,
        Data: responseData
    });

    console.log("Response body:\n", responseBody);

    var parsedUrl = new URL(event.ResponseURL);
    var options = {
        hostname: parsedUrl.hostname,
        port: 443,
        path: parsedUrl.pathname + parsedUrl.search,
        method: "PUT",
        headers: {
            "content-type": "",
            "content-length": Buffer.byteLength(responseBody)
        }
    };

    return new Promise(function(resolve) {
        var finish = function() {
            if (typeof context.done === "function") context.done();
            resolve();
        };

        var request = https.request(options, function(response) {
            console.log("Status code: " + response.statusCode);
            console.log("Status message: " + response.statusMessage);
            finish();
        });

        request.on("error", function(error) {
            console.log("send(..) failed executing https.request(..): " + error);
            finish();
        });

        request.write(responseBody);
        request.end();
    });
};
`;
