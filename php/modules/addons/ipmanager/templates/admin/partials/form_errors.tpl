{* Errors for no particular field (e.g. "form"). *}
{if isset($errors.form)}<div class="alert alert-danger field-error" data-field="form">{$errors.form}</div>{/if}
