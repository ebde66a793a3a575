"""What the original course's grader checks of the video path's functions, with boto3 against any endpoint.

Usage: lambda_grader.py ENDPOINT ACCESS_KEY SECRET_KEY FUNCTION [FUNCTION ...]
For each function: GetFunction must find it; CloudWatch's AWS/Lambda metrics over the last hour (GetMetricData) give
the maximum Duration and the maximum ConcurrentExecutions. Prints one JSON line; exits 1 if a function is missing, its
maximum Duration exceeds 10 s, or its maximum ConcurrentExecutions is below 5, as the grader fails a submission.
"""
import datetime
import json
import sys

import boto3

endpoint, access_key, secret_key, *functions = sys.argv[1:]
session = dict(endpoint_url=endpoint, aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name="us-east-1")
lam = boto3.client("lambda", **session)
cloudwatch = boto3.client("cloudwatch", **session)
now = datetime.datetime.now(datetime.timezone.utc)
results = {}
passed = True
for name in functions:
    function = lam.get_function(FunctionName=name)["Configuration"]
    queries = [
        {"Id": metric.lower(), "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": metric,
                                                         "Dimensions": [{"Name": "FunctionName", "Value": name}]},
                                              "Period": 60, "Stat": "Maximum"}}
        for metric in ("Duration", "ConcurrentExecutions")
    ]
    data = cloudwatch.get_metric_data(MetricDataQueries=queries, StartTime=now - datetime.timedelta(hours=1),
                                      EndTime=now + datetime.timedelta(minutes=1))
    values = {r["Id"]: max(r["Values"], default=0) for r in data["MetricDataResults"]}
    results[name] = {"arn": function["FunctionArn"], "maxDurationMs": values["duration"], "maxConcurrency": values["concurrentexecutions"]}
    passed = passed and values["duration"] <= 10_000 and values["concurrentexecutions"] >= 5
print(json.dumps({"passed": passed, "functions": results}))
sys.exit(0 if passed else 1)
