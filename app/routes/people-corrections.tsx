import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { requireStewardForm } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { badRequest, firstFormProblem, notFound } from "../http.server";
import {
  CorrectionRefused,
  findPersonId,
  mergePeopleByCorrection,
  splitPersonByCorrection,
  undoIdentityCorrection,
} from "../models/identity-correction.server";
import { correctionReason } from "../request-params.server";
import { isoSeconds } from "../stewardship/dates";

const reason = correctionReason;

const formSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("merge"), other: z.string().trim().min(1, "must name the other person"), reason }),
  z.object({ intent: z.literal("split"), identity: z.array(z.string()).default([]), reason }),
  z.object({ intent: z.literal("undo"), correction: z.coerce.number().int().positive() }),
]);

const personField = z.coerce.number().int().positive();

// A person's page's corrections: merge with another person, split some identities off, undo either.
// A signed-in steward, this session's form token, then the correction, the regrouping of every
// identity and the audit event in one transaction.
export async function loader({ request }: LoaderFunctionArgs) {
  const person = personField.safeParse(new URL(request.url).searchParams.get("person"));
  return redirect(person.success ? `/people/${person.data}` : "/");
}

export async function action({ request }: ActionFunctionArgs) {
  const db = await getDb();
  const personPage = (form: FormData) => {
    const person = personField.safeParse(form.get("person"));
    return person.success ? `/people/${person.data}` : "/";
  };
  const { session, form } = await requireStewardForm(request, db, personPage);
  const person = personField.safeParse(form.get("person"));
  if (!person.success) throw badRequest("The correction was not made: the form does not say which person it is about.");
  const parsed = formSchema.safeParse({ ...Object.fromEntries(form), identity: form.getAll("identity") });
  if (!parsed.success) {
    const { field, message } = firstFormProblem(parsed.error);
    throw badRequest(`The correction was not made: ${field} ${message}.`);
  }
  const input = parsed.data;
  const config = getConfig();
  const now = isoSeconds(Date.now());
  try {
    if (input.intent === "merge") {
      const other = await findPersonId(db, input.other);
      if (other === null) throw badRequest(`The correction was not made: Steward knows no person "${input.other}".`);
      const merged = await mergePeopleByCorrection(db, config, {
        people: [person.data, other],
        reason: input.reason,
        login: session.login,
        now,
      });
      return redirect(`/people/${merged.personId}#corrections`, { status: 303 });
    }
    if (input.intent === "split") {
      const split = await splitPersonByCorrection(db, config, {
        personId: person.data,
        aliases: input.identity,
        reason: input.reason,
        login: session.login,
        now,
      });
      return redirect(`/people/${split.personId}#corrections`, { status: 303 });
    }
    const undone = await undoIdentityCorrection(db, config, { id: input.correction, login: session.login, now });
    if (!undone) throw notFound(`There is no correction ${input.correction}.`);
    const back = undone.personIds.includes(person.data) ? person.data : (undone.personIds[0] ?? person.data);
    return redirect(`/people/${back}#corrections`, { status: 303 });
  } catch (error) {
    if (error instanceof CorrectionRefused) {
      throw badRequest(`The correction was not made: ${error.field} ${error.message}.`);
    }
    throw error;
  }
}

// A page of its own only so that a refused or mistaken write (400, 403, 404) is shown in Steward's
// layout by the root error boundary; the loader sends a GET back to the person's page.
export default function PeopleCorrections() {
  return null;
}
