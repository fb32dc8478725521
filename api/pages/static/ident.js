// The ident page: three photos by camera (getUserMedia) or file, sent in one request; the
// verdict and the next steps are shown in the same page. Without this script the forms still
// post and the server shows the page again in its new state.
"use strict";

(function () {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const t = data.t;
  const form = document.getElementById("photos");
  const verdictBox = document.getElementById("verdict");
  const state = document.getElementById("state");
  const photos = {}; // field -> Blob (JPEG or PNG)
  let stream = null;

  function show(el, visible) { el.hidden = !visible; }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text) node.textContent = text;
    return node;
  }

  function formError(message) {
    const box = document.getElementById("form-error");
    box.textContent = message || "";
    show(box, Boolean(message));
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    document.querySelectorAll("video.viewfinder").forEach((v) => { v.srcObject = null; show(v, false); });
    document.querySelectorAll("button.snap").forEach((b) => show(b, false));
  }

  function keep(shot, blob) {
    const field = shot.dataset.field;
    photos[field] = blob;
    const preview = shot.querySelector("img.preview");
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(blob);
    show(preview, true);
    formError("");
  }

  function canvasBlob(canvas) {
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("encode"))), "image/jpeg", 0.92));
  }

  // JPEG and PNG go as they are; anything else the browser can open (HEIC on iPhones) and
  // anything too large is re-encoded as JPEG here, since the server accepts JPEG and PNG only.
  async function normalise(file) {
    const sendable = (file.type === "image/jpeg" || file.type === "image/png") && file.size <= data.max_bytes;
    if (sendable) return file;
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 3000 / Math.max(bitmap.width, bitmap.height));
    const canvas = el("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvasBlob(canvas);
  }

  async function startCamera(shot) {
    stopCamera();
    const video = shot.querySelector("video.viewfinder");
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: shot.dataset.facing, width: { ideal: 1920 }, height: { ideal: 1080 } },
        audio: false,
      });
    } catch (error) {
      formError(t.camera_unavailable);
      return;
    }
    video.srcObject = stream;
    show(video, true);
    await video.play();
    show(shot.querySelector("button.snap"), true);
  }

  async function snap(shot) {
    const video = shot.querySelector("video.viewfinder");
    const canvas = el("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    keep(shot, await canvasBlob(canvas));
    stopCamera();
  }

  function reasonText(code) {
    if (data.reasons[code]) return data.reasons[code];
    const [side, ...rest] = code.split("_");
    const problem = rest.join("_");
    if (data.sides[side] && data.reasons[problem]) return data.sides[side] + ": " + data.reasons[problem];
    return data.reason_unknown;
  }

  async function post(action) {
    const response = await fetch(data.page_path + "/" + action, { method: "POST", headers: { Accept: "application/json" } });
    // Whatever happened, the page knows the order's new state best.
    if (response.ok || response.status === 409) window.location.reload();
    else formError(t.problem_other);
  }

  function actionButton(action) {
    if (action === "retake_photos") {
      const button = el("button", { type: "button", id: "retake" }, data.links.retake_photos);
      button.addEventListener("click", () => {
        Object.keys(photos).forEach((field) => delete photos[field]);
        form.reset();
        form.querySelectorAll("img.preview").forEach((img) => show(img, false));
        show(verdictBox, false);
        show(state, true);
      });
      return button;
    }
    if (action === "video_call" || action === "doorstep") {
      const button = el("button", { type: "button", class: "secondary" }, data.links[action]);
      button.addEventListener("click", () => post(action === "video_call" ? "video" : "doorstep"));
      return button;
    }
    if (action === "track_parcel") return el("a", { class: "button", href: data.tracking_url }, data.links.track_parcel);
    return null; // wait_for_agent, join_video_call: the page refreshes itself
  }

  function showVerdict(result) {
    verdictBox.replaceChildren();
    const passed = result.verdict === "passed";
    const headline = passed ? t.verdict_passed : result.verdict === "needs_review" ? t.verdict_needs_review : t.verdict_failed;
    verdictBox.append(el("p", { class: "notice " + (passed ? "success" : ""), id: "verdict-text", "data-verdict": result.verdict }, headline));
    if (passed) verdictBox.append(el("p", {}, t.identified));
    if (!passed && result.reasons.length) {
      const list = el("ul", { class: "reasons" });
      [...new Set(result.reasons.map(reasonText))].forEach((text) => list.append(el("li", {}, text)));
      verdictBox.append(list);
    }
    if (result.stage === "awaiting_ident") verdictBox.append(el("p", {}, t.tries_left + ": " + result.tries_left));
    if (result.stage === "doorstep_fallback") verdictBox.append(el("p", {}, t.doorstep + " " + data.doorstep_docs));
    if (result.stage === "awaiting_video_agent") setTimeout(() => window.location.reload(), 15000);
    const actions = el("div", { class: "actions" });
    result.next_actions.map(actionButton).filter(Boolean).forEach((button) => actions.append(button));
    verdictBox.append(actions);
    show(state, false);
    show(verdictBox, true);
  }

  async function send(event) {
    event.preventDefault();
    stopCamera();
    const missing = ["front", "back", "portrait"].filter((field) => !photos[field]);
    if (missing.length) return formError(t.need_three);
    const body = new FormData();
    Object.entries(photos).forEach(([field, blob]) =>
      body.append(field, blob, field + (blob.type === "image/png" ? ".png" : ".jpg")));
    const button = document.getElementById("send");
    button.disabled = true;
    formError("");
    verdictBox.replaceChildren(el("p", { class: "notice" }, t.sending));
    show(verdictBox, true);
    try {
      const response = await fetch(form.action, { method: "POST", body, headers: { Accept: "application/json" } });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) return showVerdict(answer);
      show(verdictBox, false);
      if ([403, 409, 410].includes(response.status)) return window.location.reload();
      const byCode = { unsupported_image: t.not_an_image, photo_too_large: data.reasons.TOO_LARGE, upload_too_large: data.reasons.TOO_LARGE };
      formError(byCode[answer.code] || t.upload_failed);
    } catch (error) {
      show(verdictBox, false);
      formError(t.upload_failed);
    } finally {
      button.disabled = false;
    }
  }

  if (form) {
    form.noValidate = true; // photos from the camera are not in the file inputs
    const camera = Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
    form.querySelectorAll("fieldset.shot").forEach((shot) => {
      const cameraButton = shot.querySelector("button.camera");
      show(cameraButton, camera);
      cameraButton.addEventListener("click", () => startCamera(shot));
      shot.querySelector("button.snap").addEventListener("click", () => snap(shot));
      shot.querySelector("input[type=file]").addEventListener("change", async (event) => {
        const file = event.target.files[0];
        if (!file) return;
        try {
          keep(shot, await normalise(file));
        } catch (error) {
          event.target.value = "";
          formError(t.not_an_image);
        }
      });
    });
    form.addEventListener("submit", send);
  }

  document.querySelectorAll("form.action").forEach((actionForm) =>
    actionForm.addEventListener("submit", (event) => {
      event.preventDefault();
      post(actionForm.action.endsWith("/video") ? "video" : "doorstep");
    }));
})();
