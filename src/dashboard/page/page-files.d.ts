/** The page's own files, embedded as text (`with { type: "text" }`): what Bun gives for each import. */
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "*/page/app.js" {
  const text: string;
  export default text;
}
