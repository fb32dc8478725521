// The camera check on the ident page: ask the order for a challenge, film a few frames while the
// customer follows it, send them with their capture times. A passed check hands its first frame
// (the customer looking straight ahead) to the photo form as the portrait. Without a camera the
// section stays hidden and the three-photo upload is all there is.
"use strict";

(function () {
  const section = document.getElementById("liveness");
  if (!section) return;
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const t = data.t;
  const FRAMES = 12;
  const INTERVAL_MS = 350; // ~4 s in all: time to turn one way, then the other
  const LONGEST_SIDE = 640;
  const startButton = document.getElementById("liveness-start");
  const video = document.getElementById("liveness-view");
  const prompt = document.getElementById("liveness-prompt");
  const stepsList = document.getElementById("liveness-steps");
  const result = document.getElementById("liveness-result");

  function show(el, visible) { el.hidden = !visible; }
  function say(el, text) { el.textContent = text; show(el, Boolean(text)); }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) return; // no camera: photos only
  show(section, true);

  function frameBlob(canvas) {
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("encode"))), "image/jpeg", 0.85));
  }

  // Which instruction to show while frame `index` is taken: straight ahead first, then each step in turn.
  function instruction(steps, index) {
    if (index < 2) return t.liveness_look_ahead;
    const share = (FRAMES - 2) / steps.length;
    return t["liveness_" + steps[Math.min(steps.length - 1, Math.floor((index - 2) / share))]];
  }

  async function film(steps) {
    const canvas = document.createElement("canvas");
    const scale = Math.min(1, LONGEST_SIDE / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    const context = canvas.getContext("2d");
    const frames = [];
    const times = [];
    const started = performance.now();
    for (let index = 0; index < FRAMES; index++) {
      say(prompt, instruction(steps, index));
      if (index > 0) await sleep(INTERVAL_MS);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      times.push(Math.round(performance.now() - started));
      frames.push(await frameBlob(canvas));
    }
    return { frames, times };
  }

  function usePortrait(blob) {
    // The photo form's own change handler takes it from here, as if the customer had chosen the file.
    const input = document.querySelector("input[name=portrait]");
    if (!input || typeof DataTransfer === "undefined") return;
    const files = new DataTransfer();
    files.items.add(new File([blob], "portrait.jpg", { type: "image/jpeg" }));
    input.files = files.files;
    input.dispatchEvent(new Event("change"));
  }

  async function check() {
    startButton.disabled = true;
    say(result, "");
    let stream = null;
    try {
      const challengeResponse = await fetch(data.page_path + "/liveness/challenge", {
        method: "POST", headers: { Accept: "application/json" },
      });
      if (!challengeResponse.ok) return window.location.reload(); // the order moved on: the page knows best
      const challenge = await challengeResponse.json();
      stepsList.replaceChildren(...challenge.steps.map((step) => {
        const item = document.createElement("li");
        item.textContent = t["liveness_" + step];
        item.dataset.step = step;
        return item;
      }));
      show(stepsList, true);
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
        });
      } catch (error) {
        show(section, false);
        const formError = document.getElementById("form-error");
        if (formError) say(formError, t.liveness_no_camera);
        return;
      }
      video.srcObject = stream;
      show(video, true);
      await video.play();
      const { frames, times } = await film(challenge.steps);
      say(prompt, t.liveness_sending);
      const body = new FormData();
      body.append("challenge_id", challenge.challenge_id);
      body.append("timestamps", times.join(","));
      frames.forEach((blob, index) => body.append("frame", blob, "frame" + index + ".jpg"));
      const response = await fetch(data.page_path + "/liveness", {
        method: "POST", body, headers: { Accept: "application/json" },
      });
      const answer = await response.json().catch(() => ({}));
      show(prompt, false);
      result.dataset.passed = String(Boolean(answer.passed));
      result.className = answer.passed ? "notice success" : "error";
      say(result, answer.passed ? t.liveness_passed : t.liveness_failed);
      if (answer.passed) {
        usePortrait(frames[0]);
        show(startButton, false);
      }
    } catch (error) {
      show(prompt, false);
      result.dataset.passed = "false";
      say(result, t.liveness_failed);
    } finally {
      if (stream) stream.getTracks().forEach((track) => track.stop());
      video.srcObject = null;
      show(video, false);
      startButton.disabled = false;
    }
  }

  startButton.addEventListener("click", check);
})();
