declare module "tzdata" {
  const tzdata: { version: string; zones: Record<string, unknown>; rules: Record<string, unknown> };
  export default tzdata;
}
