// Runs face-api 1.7.15 on TensorFlow.js (wasm backend, local wasm files) and writes the fixtures that the Vision
// parity tests compare against, or times the pipeline for bench/Vision.
//
//   node reference.js fixtures [--nets N] <out-dir> <image.jpg>...
//       full-pipeline results per image; for the first N images (default 2) also each net's exact input (PNG) and output
//   node reference.js time [--runs N] <image.jpg>...      per-image timings as JSON on stdout
//   node reference.js describe <image.jpg>...            every face (score, box, descriptor) as one JSON line per image
//
// Images are decoded with jpeg-js into an int32 [H, W, 3] tensor, which is what face-api sees in Node.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const zlib = require('zlib');
const jpeg = require('jpeg-js');
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const minConfidence = 0.5;

async function init() {
  wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'), false);
  await tf.setBackend('wasm');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
}

function decode(file) {
  const image = jpeg.decode(fs.readFileSync(file), { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
  const rgb = Buffer.from(image.data.buffer, image.data.byteOffset, image.width * image.height * 3);
  return { width: image.width, height: image.height, rgb };
}

function toTensor(image) {
  return tf.tensor3d(Int32Array.from(image.rgb), [image.height, image.width, 3], 'int32');
}

async function detectAll(tensor) {
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults: 100 });
  return faceapi.detectAllFaces(tensor, options).withFaceLandmarks().withFaceDescriptors();
}

// The rectangle face-api crops for the descriptor (ComputeAllFaceDescriptorsTask), not the result's alignedRect.
const dlibRect = (face) => face.landmarks.align(null, { useDlibAlignment: true });
const describeFace = (f) => ({
  score: round(f.detection.score, 8),
  box: rect(f.detection.box),
  landmarks: f.landmarks.positions.map((p) => [round(p.x, 4), round(p.y, 4)]),
  alignedBox: rect(dlibRect(f)),
  descriptor: Array.from(f.descriptor).map((v) => round(v, 8)),
});
const round = (v, digits = 6) => Number(v.toFixed(digits));
const rect = (b) => [b.x, b.y, b.width, b.height].map((v) => round(v));

// A minimal PNG writer (RGB, 8 bit, no filter) so the per-net inputs are exact and lossless.
function png(width, height, rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0); header.writeUInt32BE(height, 4);
  header[8] = 8; header[9] = 2; header[10] = 0; header[11] = 0; header[12] = 0;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Pads (centred or not) and resizes like face-api, then rounds to uint8 so the result can be stored exactly.
function netInput(tensor, box, size, centred) {
  return tf.tidy(() => {
    let t = box ? tf.slice3d(tensor, [box.y, box.x, 0], [box.height, box.width, 3]) : tensor;
    t = faceapi.padToSquare(tf.expandDims(tf.cast(t, 'float32')), centred);
    t = tf.image.resizeBilinear(t, [size, size], false, false);
    return tf.cast(tf.clipByValue(tf.round(t), 0, 255), 'int32').squeeze();
  });
}

async function writeNetFixtures(outDir, stem, tensor, face) {
  const fixtures = {};
  const save = async (name, input) => {
    const data = Buffer.from(Uint8Array.from(await input.data()));
    fs.writeFileSync(path.join(outDir, `${stem}.${name}.png`), png(input.shape[1], input.shape[0], data));
    return `${stem}.${name}.png`;
  };

  const ssdInput = netInput(tensor, null, 512, false);
  const { boxes, scores } = await faceapi.nets.ssdMobilenetv1.forward(ssdInput);
  const scoreData = await scores[0].data();
  const boxData = await boxes[0].data();
  const top = Array.from(scoreData.keys()).sort((a, b) => scoreData[b] - scoreData[a]).slice(0, 50);
  fixtures.ssd = {
    input: await save('ssd', ssdInput),
    anchors: top.map((i) => ({ index: i, score: round(scoreData[i], 8), box: Array.from(boxData.slice(i * 4, i * 4 + 4)).map((v) => round(v, 8)) })),
  };
  // The whole pipeline on these exact (lossless) pixels: the end-to-end parity check without a JPEG decoder in between.
  fixtures.ssd.faces = (await detectAll(ssdInput)).map(describeFace);
  tf.dispose([ssdInput, ...boxes, ...scores]);

  const detectionBox = face.detection.box.clipAtImageBorders(tensor.shape[1], tensor.shape[0]);
  const landmarkInput = netInput(tensor, detectionBox, 112, true);
  const raw = faceapi.nets.faceLandmark68Net.runNet(await faceapi.toNetInput(landmarkInput));
  fixtures.landmarks = { input: await save('landmarks', landmarkInput), output: Array.from(await raw.data()).map((v) => round(v, 8)) };
  tf.dispose([landmarkInput, raw]);

  const alignedBox = dlibRect(face).clipAtImageBorders(tensor.shape[1], tensor.shape[0]);
  const descriptorInput = netInput(tensor, alignedBox, 150, true);
  const descriptor = await faceapi.nets.faceRecognitionNet.forward(descriptorInput);
  fixtures.descriptor = { input: await save('descriptor', descriptorInput), output: Array.from(await descriptor.data()).map((v) => round(v, 8)) };
  tf.dispose([descriptorInput, descriptor]);
  return fixtures;
}

// Synthetic pictures (pixel = (x * 7 + y * 13 + channel * 101) % 256) padded and resized as face-api does; the
// SHA-256 of the float32 result (HWC order) lets the C# resize prove it is bit-identical.
async function resizeChecks() {
  const cases = [];
  for (const [width, height] of [[300, 200], [64, 64], [97, 150], [1920, 1080]]) {
    const data = new Int32Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = (x * 7 + y * 13 + c * 101) % 256;
    const image = tf.tensor3d(data, [height, width, 3], 'int32');
    for (const [size, centred] of [[512, false], [112, true], [150, true]]) {
      const resized = tf.tidy(() => tf.image.resizeBilinear(faceapi.padToSquare(tf.expandDims(tf.cast(image, 'float32')), centred), [size, size], false, false));
      const values = await resized.data();
      cases.push({ width, height, size, centred, sha256: crypto.createHash('sha256').update(Buffer.from(values.buffer, values.byteOffset, values.byteLength)).digest('hex') });
      resized.dispose();
    }
    image.dispose();
  }
  return cases;
}

async function fixtures(outDir, files, netImages) {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'resize-checks.json'), JSON.stringify(await resizeChecks(), null, 1) + '\n');
  for (const [index, file] of files.entries()) {
    const stem = path.basename(file, path.extname(file));
    const image = decode(file);
    const tensor = toTensor(image);
    const faces = await detectAll(tensor);
    faces.sort((a, b) => a.detection.box.x - b.detection.box.x);
    const result = {
      image: path.basename(file),
      sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
      width: image.width,
      height: image.height,
      pixelsSha256: crypto.createHash('sha256').update(image.rgb).digest('hex'),
      minConfidence,
      faces: faces.map(describeFace),
    };
    if (faces.length > 0 && index < netImages) result.nets = await writeNetFixtures(outDir, stem, tensor, faces[0]);
    fs.writeFileSync(path.join(outDir, `${stem}.json`), JSON.stringify(result) + '\n');
    tensor.dispose();
    console.error(`${file}: ${faces.length} face(s)`);
  }
}

async function time(files, runs) {
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
  const results = [];
  for (const file of files) {
    const tensor = toTensor(decode(file));
    const options = new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults: 100 });
    await detectAll(tensor); // warm-up: compiles the wasm kernels for these shapes
    const detect = []; const whole = []; let faces = 0;
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      await faceapi.detectAllFaces(tensor, options);
      detect.push(performance.now() - t0);
      t0 = performance.now();
      faces = (await detectAll(tensor)).length;
      whole.push(performance.now() - t0);
    }
    results.push({ image: path.basename(file), width: tensor.shape[1], height: tensor.shape[0], faces, runs,
      detectionMs: { median: median(detect), min: Math.min(...detect), max: Math.max(...detect) },
      pipelineMs: { median: median(whole), min: Math.min(...whole), max: Math.max(...whole) } });
    tensor.dispose();
  }
  console.log(JSON.stringify({ backend: tf.getBackend(), threads: wasm.getThreadsCount ? wasm.getThreadsCount() : null, results }, null, 1));
}

// What the recognition evaluation (bench/Recognition) compares: face-api's faces and descriptors, picture by picture.
async function describe(files) {
  for (const file of files) {
    const image = decode(file);
    const tensor = toTensor(image);
    const faces = await detectAll(tensor);
    tensor.dispose();
    const described = faces.map((f) => ({ score: round(f.detection.score, 8), box: rect(f.detection.box), descriptor: Array.from(f.descriptor).map((v) => round(v, 8)) }));
    process.stdout.write(JSON.stringify({ image: file, width: image.width, height: image.height, faces: described }) + '\n');
  }
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  await init();
  const option = (name, fallback) => {
    const i = rest.indexOf(name);
    return i >= 0 ? Number(rest.splice(i, 2)[1]) : fallback;
  };
  if (mode === 'fixtures') {
    const nets = option('--nets', 2);
    if (rest.length >= 2) return fixtures(rest[0], rest.slice(1), nets);
  }
  if (mode === 'time') return time(rest, option('--runs', 10));
  if (mode === 'describe' && rest.length > 0) return describe(rest);
  console.error('usage: node reference.js fixtures [--nets N] <out-dir> <image.jpg>... | time [--runs N] <image.jpg>... | describe <image.jpg>...');
  process.exitCode = 2;
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
