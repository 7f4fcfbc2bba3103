<?php

namespace IpManager\Addon\Admin;

/** What a page shows: messages above it, its template and the template's data. */
final class Page
{
    /** @var list<array{0:string,1:string}> [bootstrap alert type, text] */
    public array $messages;
    public string $template;
    public array $data;

    public function __construct(string $template, array $data = [], array $messages = [])
    {
        $this->template = $template;
        $this->data = $data;
        $this->messages = $messages;
    }
}
