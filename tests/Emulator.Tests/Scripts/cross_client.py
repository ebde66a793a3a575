"""A second, independent client (boto3) against the emulator: objects up to a 64 MB multipart upload, and messages.

Usage: cross_client.py ENDPOINT ACCESS_KEY SECRET_KEY BUCKET QUEUE_URL
The .NET test has already put `from-dotnet.bin` (its SHA-256 in object metadata) and one message; this script reads
them, writes its own for the .NET side to read back, and prints one JSON line of results. Any mismatch exits non-zero.
"""
import hashlib
import io
import json
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig

endpoint, access_key, secret_key, bucket, queue_url = sys.argv[1:6]
session = dict(endpoint_url=endpoint, aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name="us-east-1")
s3 = boto3.client("s3", **session)
sqs = boto3.client("sqs", **session)
results = {}


def check(condition, message):
    if not condition:
        print(json.dumps({"error": message, **results}))
        sys.exit(1)


# What the .NET SDK wrote, read by boto3.
obj = s3.get_object(Bucket=bucket, Key="from-dotnet.bin")
data = obj["Body"].read()
check(hashlib.sha256(data).hexdigest() == obj["Metadata"]["sha256"], "from-dotnet.bin does not match its SHA-256")
results["read_dotnet_object_bytes"] = len(data)

# Single PUTs, small and 20 MB, byte-exact.
for key, size in (("boto/small.bin", 1000), ("boto/20mb.bin", 20 * 1024 * 1024)):
    body = os.urandom(size)
    s3.put_object(Bucket=bucket, Key=key, Body=body, Metadata={"sha256": hashlib.sha256(body).hexdigest()})
    back = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    check(back == body, f"{key} did not round-trip")
results["single_puts"] = 2

# 64 MB through boto3's multipart transfer (8 MB parts, several in flight).
big = os.urandom(64 * 1024 * 1024)
config = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024, max_concurrency=4)
s3.upload_fileobj(io.BytesIO(big), bucket, "boto/64mb.bin", Config=config,
                  ExtraArgs={"Metadata": {"sha256": hashlib.sha256(big).hexdigest()}})
head = s3.head_object(Bucket=bucket, Key="boto/64mb.bin")
check(head["ContentLength"] == len(big), "64 MB object has the wrong length")
check(head["ETag"].strip('"').endswith("-8"), f"64 MB object is not an 8-part multipart object: {head['ETag']}")
downloaded = io.BytesIO()
s3.download_fileobj(bucket, "boto/64mb.bin", downloaded, Config=config)
check(hashlib.sha256(downloaded.getvalue()).digest() == hashlib.sha256(big).digest(), "64 MB object did not round-trip")
results["multipart_bytes"] = len(big)

keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="boto/")["Contents"])
check(keys == ["boto/20mb.bin", "boto/64mb.bin", "boto/small.bin"], f"unexpected listing {keys}")

# Messages: read the .NET one, then send single and batched ones for .NET to read.
received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=5,
                               MessageAttributeNames=["All"], AttributeNames=["All"])["Messages"]
check(len(received) == 1 and received[0]["Body"] == "from dotnet \u00e9\u00f6", f"unexpected messages {received}")
check(received[0]["MessageAttributes"]["origin"]["StringValue"] == "dotnet", "attribute lost")
sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=received[0]["ReceiptHandle"])
sqs.send_message(QueueUrl=queue_url, MessageBody="from boto3 \u65e5\u672c",
                 MessageAttributes={"origin": {"DataType": "String", "StringValue": "boto3"},
                                    "bytes": {"DataType": "Binary", "BinaryValue": b"\x00\x01\x02"}})
batch = sqs.send_message_batch(QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": f"batch {i}"} for i in range(5)])
check(len(batch["Successful"]) == 5, "batch send failed")
results["messages_sent"] = 6
results["botocore"] = boto3.__version__
print(json.dumps(results))
