// Scanning the parcel label's code with the phone camera where the browser can read barcodes
// (BarcodeDetector); elsewhere the scan button stays hidden and the number is typed.
"use strict";

(function () {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const button = document.getElementById("scan");
  const video = document.getElementById("scanner");
  const field = document.getElementById("order-id");
  button.hidden = false;

  button.addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      button.hidden = true; // no camera, or not allowed: typing remains
      return;
    }
    const detector = new window.BarcodeDetector();
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const stop = () => { stream.getTracks().forEach((track) => track.stop()); video.hidden = true; };
    const look = async () => {
      const found = await detector.detect(video).catch(() => []);
      if (found.length) {
        stop();
        field.value = found[0].rawValue.trim();
        field.form.requestSubmit();
        return;
      }
      if (!video.hidden) requestAnimationFrame(look);
    };
    look();
  });
})();
