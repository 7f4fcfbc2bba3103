<?php

namespace IpManager\Addon\Admin;

/**
 * The create/update POST of a form page: validate first and show each error under its
 * field; save only a valid form; a refusal at save time keeps the form with the message.
 */
final class SaveFlow
{
    /**
     * @param callable(array, ?int): array $validate returns [['field'=>..,'message'=>..], ...]
     * @param callable(array, ?int): string $save returns the success message
     *        (may add warnings to $warnings)
     * @param callable(array, array, ?int): string $form renders the form with values and errors
     * @param callable(): string $listing renders the page after a successful save
     * @return array{0: list<array{0:string,1:string}>, 1: string}
     */
    public static function run(array $lang, array $input, ?int $id, callable $validate, callable $save, callable $form, callable $listing): array
    {
        $errors = $validate($input, $id);
        if ($errors !== []) {
            return [[['danger', $lang['fix_errors']]], $form($input, Form::errorsByField($errors), $id)];
        }
        try {
            $messages = $save($input, $id);
        } catch (\IpManager\Exception $e) {
            return [[['danger', $e->getMessage()]], $form($input, [], $id)];
        }
        return [$messages, $listing()];
    }
}
