export function greet(name) {
  return `Hello from ${name}, served by nginx through assetpipe`;
}
